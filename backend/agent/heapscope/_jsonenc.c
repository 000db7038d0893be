/* _jsonenc.c — heapscope._jsonenc: the agent's JSON encoder in C (see _codec.py)
 *
 * Copyright 2025 The Heapscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * encode (value) -> str
 *     The JSON text of `value`, byte for byte what _codec.encode_pure writes,
 *     with the same TypeError or ValueError for what it refuses.
 *
 * encode_utf8 (value) -> bytes
 *     The UTF-8 of that text, as a 'J' frame carries it.
 *
 * The values come from the profiled program, and none of its code runs: only
 * the exact types are accepted (a str or int subclass is refused before any
 * __repr__ could be asked), dicts are read with PyDict_Next and lists and
 * tuples by index, never through the iteration protocol, and ints and floats
 * are written as int.__repr__ and float.__repr__ write them.
 *
 * The text is built as UTF-8 in a private buffer, straight from each str's
 * code points. A str's cached UTF-8 (PyUnicode_AsUTF8) is never asked for:
 * it would be stored in the program's string, which would then be larger than
 * the census measured it, and it fails on lone surrogates anyway.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

/* As _codec: the top value is at depth 0, and depth 65 is refused. */
#define HS_MAX_DEPTH 64

/* Code points of a str written per reservation: the buffer is reserved for
 * the worst case (6 bytes, a \uXXXX escape), so a huge string is taken in
 * slices rather than reserving six times its length at once. */
#define HS_STR_SLICE 4096
#define HS_MAX_BYTES_PER_CODE_POINT 6

/* -- the output buffer ------------------------------------------------------ */

typedef struct
{
  unsigned char *bytes;
  size_t         length;
  size_t         capacity;
} JsonBuffer;

static int
buffer_grow (JsonBuffer *buffer,
             size_t      extra)
{
  size_t needed;
  size_t capacity;
  unsigned char *bytes;

  /* The result becomes a Python str or bytes, whose size is a Py_ssize_t. */
  if (extra > (size_t) PY_SSIZE_T_MAX - buffer->length)
    {
      PyErr_NoMemory ();
      return -1;
    }
  needed = buffer->length + extra;
  capacity = buffer->capacity ? buffer->capacity : 1024;
  while (capacity < needed)
    capacity = capacity <= (size_t) PY_SSIZE_T_MAX / 2 ? capacity * 2 : needed;
  bytes = PyMem_RawRealloc (buffer->bytes, capacity);
  if (bytes == NULL)
    {
      PyErr_NoMemory ();
      return -1;
    }
  buffer->bytes = bytes;
  buffer->capacity = capacity;
  return 0;
}

/* Make room for `extra` more bytes; the common case is one comparison. */
static inline int
buffer_reserve (JsonBuffer *buffer,
                size_t      extra)
{
  if (buffer->capacity - buffer->length >= extra)
    return 0;
  return buffer_grow (buffer, extra);
}

static inline int
buffer_append (JsonBuffer *buffer,
               const char *text,
               size_t      length)
{
  if (buffer_reserve (buffer, length) < 0)
    return -1;
  memcpy (buffer->bytes + buffer->length, text, length);
  buffer->length += length;
  return 0;
}

static inline int
buffer_append_char (JsonBuffer *buffer,
                    char        c)
{
  if (buffer_reserve (buffer, 1) < 0)
    return -1;
  buffer->bytes[buffer->length++] = (unsigned char) c;
  return 0;
}

static void
buffer_clear (JsonBuffer *buffer)
{
  PyMem_RawFree (buffer->bytes);
  memset (buffer, 0, sizeof *buffer);
}

/* -- strings ---------------------------------------------------------------- */

/* For each code point below 0x80: 0 when it is written as itself, else the
 * letter of its escape, 'u' for a \u00xx one. The table is _codec._encode_str's
 * rule: the two characters JSON reserves, the five control characters with a
 * short escape, the other control characters and DEL as \u escapes. */
static const char escape_letters[0x80] = {
  'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',
  'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
  ['"'] = '"',
  ['\\'] = '\\',
  [0x7F] = 'u',
};

static const char hex_digits[] = "0123456789abcdef";

static inline unsigned char *
put_u_escape (unsigned char *out,
              Py_UCS4        code_point)
{
  *out++ = '\\';
  *out++ = 'u';
  *out++ = (unsigned char) hex_digits[(code_point >> 12) & 0xF];
  *out++ = (unsigned char) hex_digits[(code_point >> 8) & 0xF];
  *out++ = (unsigned char) hex_digits[(code_point >> 4) & 0xF];
  *out++ = (unsigned char) hex_digits[code_point & 0xF];
  return out;
}

/* Write one code point, escaped or as UTF-8; `out` has room for 6 bytes. */
static inline unsigned char *
put_code_point (unsigned char *out,
                Py_UCS4        code_point)
{
  if (code_point < 0x80)
    {
      char letter = escape_letters[code_point];

      if (letter == 0)
        {
          *out++ = (unsigned char) code_point;
        }
      else if (letter == 'u')
        {
          out = put_u_escape (out, code_point);
        }
      else
        {
          *out++ = '\\';
          *out++ = (unsigned char) letter;
        }
    }
  else if (code_point < 0x800)
    {
      *out++ = (unsigned char) (0xC0 | (code_point >> 6));
      *out++ = (unsigned char) (0x80 | (code_point & 0x3F));
    }
  else if (code_point < 0x10000)
    {
      /* A lone surrogate has no UTF-8; it travels as its escape. */
      if (Py_UNICODE_IS_SURROGATE (code_point))
        return put_u_escape (out, code_point);
      *out++ = (unsigned char) (0xE0 | (code_point >> 12));
      *out++ = (unsigned char) (0x80 | ((code_point >> 6) & 0x3F));
      *out++ = (unsigned char) (0x80 | (code_point & 0x3F));
    }
  else
    {
      *out++ = (unsigned char) (0xF0 | (code_point >> 18));
      *out++ = (unsigned char) (0x80 | ((code_point >> 12) & 0x3F));
      *out++ = (unsigned char) (0x80 | ((code_point >> 6) & 0x3F));
      *out++ = (unsigned char) (0x80 | (code_point & 0x3F));
    }
  return out;
}

/* Write an exact str as a JSON string, quotes included. */
static int
put_str (JsonBuffer *buffer,
         PyObject   *text)
{
  Py_ssize_t length;
  Py_ssize_t index = 0;
  const void *data;
  int kind;

#if PY_VERSION_HEX < 0x030C0000
  /* A str made by the deprecated wchar_t API gets its canonical form here,
   * as any str method (isprintable, in _encode_str) would give it. */
  if (PyUnicode_READY (text) < 0)
    return -1;
#endif
  length = PyUnicode_GET_LENGTH (text);
  kind = PyUnicode_KIND (text);
  data = PyUnicode_DATA (text);

  if (buffer_append_char (buffer, '"') < 0)
    return -1;
  while (index < length)
    {
      Py_ssize_t slice_end = index + Py_MIN (length - index, HS_STR_SLICE);
      unsigned char *out;

      if (buffer_reserve (buffer, (size_t) (slice_end - index) * HS_MAX_BYTES_PER_CODE_POINT) < 0)
        return -1;
      out = buffer->bytes + buffer->length;
      /* One loop per width, so that the width is not looked at per character. */
      switch (kind)
        {
        case PyUnicode_1BYTE_KIND:
          for (; index < slice_end; index++)
            out = put_code_point (out, ((const Py_UCS1 *) data)[index]);
          break;
        case PyUnicode_2BYTE_KIND:
          for (; index < slice_end; index++)
            out = put_code_point (out, ((const Py_UCS2 *) data)[index]);
          break;
        default:
          for (; index < slice_end; index++)
            out = put_code_point (out, ((const Py_UCS4 *) data)[index]);
          break;
        }
      buffer->length = (size_t) (out - buffer->bytes);
    }
  return buffer_append_char (buffer, '"');
}

/* -- numbers ---------------------------------------------------------------- */

/* Write an exact int as int.__repr__ does. */
static int
put_int (JsonBuffer *buffer,
         PyObject   *value)
{
  int overflow;
  long long number = PyLong_AsLongLongAndOverflow (value, &overflow);

  if (overflow == 0)
    {
      /* Digits written backwards from the end of `digits`; the magnitude is
       * taken as unsigned so that LLONG_MIN has one. */
      char digits[24];
      char *start = digits + sizeof digits;
      unsigned long long magnitude;

      if (number == -1 && PyErr_Occurred ())
        return -1;
      magnitude = number < 0 ? 0ULL - (unsigned long long) number : (unsigned long long) number;
      do
        {
          *--start = (char) ('0' + magnitude % 10);
          magnitude /= 10;
        }
      while (magnitude != 0);
      if (number < 0)
        *--start = '-';
      return buffer_append (buffer, start, (size_t) (digits + sizeof digits - start));
    }
  else
    {
      /* Wider than a long long: int.__repr__ itself, which for an exact int is
       * C code, and refuses more digits than sys.get_int_max_str_digits ()
       * with the same ValueError as the pure encoder gets. Its result is an
       * ASCII str, so its 1-byte data is already the UTF-8. */
      PyObject *repr = PyLong_Type.tp_repr (value);
      int status;

      if (repr == NULL)
        return -1;
      status = buffer_append (buffer, (const char *) PyUnicode_DATA (repr),
                              (size_t) PyUnicode_GET_LENGTH (repr));
      Py_DECREF (repr);
      return status;
    }
}

/* Write an exact float as float.__repr__ does; JSON has no NaN or infinity,
 * so those are null, as in _codec. */
static int
put_float (JsonBuffer *buffer,
           PyObject   *value)
{
  double number = PyFloat_AS_DOUBLE (value);
  char *repr;
  int status;

  if (!isfinite (number))
    return buffer_append (buffer, "null", 4);
  /* float.__repr__ is exactly this call. */
  repr = PyOS_double_to_string (number, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
  if (repr == NULL)
    return -1;
  status = buffer_append (buffer, repr, strlen (repr));
  PyMem_Free (repr);
  return status;
}

/* -- containers ------------------------------------------------------------- */

static int put_value (JsonBuffer *buffer,
                      PyObject   *value,
                      int         depth);

/* While an item is written it holds a reference of its own: nothing here runs
 * the program's code, so its container cannot change meanwhile, but the
 * borrowed reference would not survive if that ever stopped being true. */
static int
put_item (JsonBuffer *buffer,
          PyObject   *item,
          int         depth)
{
  int status;

  Py_INCREF (item);
  status = put_value (buffer, item, depth);
  Py_DECREF (item);
  return status;
}

/* An exact list or tuple; its size is read again at every step, for the
 * same reason as put_item's reference. */
static int
put_sequence (JsonBuffer *buffer,
              PyObject   *sequence,
              int         depth)
{
  if (buffer_append_char (buffer, '[') < 0)
    return -1;
  for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE (sequence); i++)
    {
      if (i > 0 && buffer_append_char (buffer, ',') < 0)
        return -1;
      if (put_item (buffer, PySequence_Fast_GET_ITEM (sequence, i), depth + 1) < 0)
        return -1;
    }
  return buffer_append_char (buffer, ']');
}

static int
put_dict (JsonBuffer *buffer,
          PyObject   *dict,
          int         depth)
{
  Py_ssize_t position = 0;
  PyObject *key;
  PyObject *item;
  int first = 1;

  if (buffer_append_char (buffer, '{') < 0)
    return -1;
  while (PyDict_Next (dict, &position, &key, &item))
    {
      int status;

      /* Checked before anything else of the pair, as in _codec: of a bad key
       * and a bad value further on, the key is the one reported. */
      if (!PyUnicode_CheckExact (key))
        {
          PyErr_SetString (PyExc_TypeError, "JSON object keys must be str");
          return -1;
        }
      if (!first && buffer_append_char (buffer, ',') < 0)
        return -1;
      first = 0;
      Py_INCREF (key);          /* as put_item does for values */
      status = put_str (buffer, key);
      Py_DECREF (key);
      if (status < 0 || buffer_append_char (buffer, ':') < 0)
        return -1;
      if (put_item (buffer, item, depth + 1) < 0)
        return -1;
    }
  return buffer_append_char (buffer, '}');
}

/* -- any value -------------------------------------------------------------- */

/* TypeError naming the type as `type.__name__` would, without looking the
 * attribute up (a metaclass could define it): a heap type's own name object,
 * a static type's tp_name after its module. */
static void
refuse_type (PyTypeObject *type)
{
  if (type->tp_flags & Py_TPFLAGS_HEAPTYPE)
    {
      PyErr_Format (PyExc_TypeError, "cannot encode %U as JSON",
                    ((PyHeapTypeObject *) type)->ht_name);
    }
  else
    {
      const char *name = strrchr (type->tp_name, '.');

      PyErr_Format (PyExc_TypeError, "cannot encode %s as JSON",
                    name != NULL ? name + 1 : type->tp_name);
    }
}

/* The branches come in _codec._encode_into's order, so that each value takes
 * the same one: the depth first, then str, the three singletons by identity,
 * then the other exact types. */
static int
put_value (JsonBuffer *buffer,
           PyObject   *value,
           int         depth)
{
  PyTypeObject *type = Py_TYPE (value);

  if (depth > HS_MAX_DEPTH)
    {
      PyErr_SetString (PyExc_ValueError, "value nested too deeply to encode");
      return -1;
    }
  if (type == &PyUnicode_Type)
    return put_str (buffer, value);
  if (value == Py_None)
    return buffer_append (buffer, "null", 4);
  if (value == Py_True)
    return buffer_append (buffer, "true", 4);
  if (value == Py_False)
    return buffer_append (buffer, "false", 5);
  if (type == &PyLong_Type)
    return put_int (buffer, value);
  if (type == &PyFloat_Type)
    return put_float (buffer, value);
  if (type == &PyDict_Type)
    return put_dict (buffer, value, depth);
  if (type == &PyList_Type || type == &PyTuple_Type)
    return put_sequence (buffer, value, depth);
  refuse_type (type);
  return -1;
}

/* -- the module ------------------------------------------------------------- */

PyDoc_STRVAR (encode_doc,
"encode(value) -> str\n\n"
"The JSON text of `value` (dict, list, tuple, str, int, float, bool, None;\n"
"exact types only), as heapscope._codec.encode_pure writes it.");

static PyObject *
jsonenc_encode (PyObject *module,
                PyObject *value)
{
  JsonBuffer buffer = { NULL, 0, 0 };
  PyObject *text = NULL;

  (void) module;
  /* The buffer is valid UTF-8 (surrogates were escaped), so decoding it
   * cannot fail; for ASCII text it is a copy. */
  if (put_value (&buffer, value, 0) == 0)
    text = PyUnicode_DecodeUTF8 ((const char *) buffer.bytes, (Py_ssize_t) buffer.length, "strict");
  buffer_clear (&buffer);
  return text;
}

PyDoc_STRVAR (encode_utf8_doc,
"encode_utf8(value) -> bytes\n\n"
"encode(value) as UTF-8, built directly.");

static PyObject *
jsonenc_encode_utf8 (PyObject *module,
                     PyObject *value)
{
  JsonBuffer buffer = { NULL, 0, 0 };
  PyObject *data = NULL;

  (void) module;
  if (put_value (&buffer, value, 0) == 0)
    data = PyBytes_FromStringAndSize ((const char *) buffer.bytes, (Py_ssize_t) buffer.length);
  buffer_clear (&buffer);
  return data;
}

static PyMethodDef jsonenc_methods[] = {
  { "encode", jsonenc_encode, METH_O, encode_doc },
  { "encode_utf8", jsonenc_encode_utf8, METH_O, encode_utf8_doc },
  { NULL, NULL, 0, NULL },
};

/* Multi-phase initialization, with no slot to run: the module keeps no
 * state, so every interpreter may import it. */
static PyModuleDef_Slot jsonenc_slots[] = {
  { 0, NULL },
};

static struct PyModuleDef jsonenc_module = {
  PyModuleDef_HEAD_INIT,
  .m_name = "heapscope._jsonenc",
  .m_doc = "The agent's JSON encoder in C (see _codec.py).",
  .m_size = 0,
  .m_methods = jsonenc_methods,
  .m_slots = jsonenc_slots,
};

PyMODINIT_FUNC
PyInit__jsonenc (void)
{
  return PyModuleDef_Init (&jsonenc_module);
}
