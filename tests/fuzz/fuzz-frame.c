/* fuzz-frame.c — the frame decoder and message parser on arbitrary bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hs-wire.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(HsFrameDecoder) decoder = hs_frame_decoder_new ();

  /* Feed in two pieces so frames straddle a push. */
  hs_frame_decoder_push (decoder, data, size / 2);
  for (int round = 0; round < 2; round++)
    {
      for (;;)
        {
          g_autoptr(GBytes) payload = NULL;
          g_autoptr(GError) error = NULL;
          g_autoptr(HsMessage) message = NULL;
          guint8 kind;

          if (!hs_frame_decoder_next (decoder, &kind, &payload, &error))
            {
              if (error != NULL)
                return 0;
              break;
            }
          message = hs_message_parse (kind, payload, &error);
          g_assert ((message == NULL) != (error == NULL));
          if (message != NULL && message->type == HS_MESSAGE_CENSUS)
            {
              gint64 objects = 0;

              for (guint i = 0; i < message->census->n_rows; i++)
                objects += message->census->rows[i].count;
              g_assert_cmpint (objects, ==, message->census->objects);
            }
        }
      if (round == 0)
        hs_frame_decoder_push (decoder, data + size / 2, size - size / 2);
    }
  hs_frame_decoder_finish (decoder, NULL);
  return 0;
}
