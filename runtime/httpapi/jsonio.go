package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ReadJSON decodes the body of r, a JSON object of at most max bytes, into
// v strictly: the content type must be application/json, and bytes that
// are not UTF-8, unknown keys, keys given twice, wrong types and trailing
// data are refused. Errors are *StatusError values (400, 413 or 415) that
// name the key or the line and column at fault and never quote a value.
func ReadJSON(r *http.Request, max int64, v any) error {
	if err := checkContentType(r); err != nil {
		return err
	}

	body, err := readBody(r, max)
	if err != nil {
		return err
	}
	return decodeStrict(body, v)
}

func checkContentType(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return &StatusError{
			Status: http.StatusUnsupportedMediaType,
			Detail: "Content-Type: missing; send application/json",
		}
	}

	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return &StatusError{
			Status: http.StatusUnsupportedMediaType,
			Detail: fmt.Sprintf("Content-Type: %q is not accepted; send application/json", ct),
		}
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return &StatusError{
			Status: http.StatusUnsupportedMediaType,
			Detail: fmt.Sprintf("Content-Type: charset %q is not accepted; send utf-8", cs),
		}
	}
	return nil
}

// readBody reads at most max bytes and refuses anything longer without
// reading all of it.
func readBody(r *http.Request, max int64) ([]byte, error) {
	if r.ContentLength > max {
		return nil, tooLarge(max)
	}

	body, err := io.ReadAll(io.LimitReader(r.Body, max+1))
	if err != nil {
		return nil, badRequest("", "", "body: reading failed: %v", err)
	}
	if int64(len(body)) > max {
		return nil, tooLarge(max)
	}
	return body, nil
}

func tooLarge(max int64) *StatusError {
	return &StatusError{
		Status: http.StatusRequestEntityTooLarge,
		Detail: fmt.Sprintf("body: larger than the limit of %d bytes", max),
	}
}

func decodeStrict(body []byte, v any) error {
	if !utf8.Valid(body) {
		return badRequest("", "", "body: not UTF-8 at %s", position(body, int64(invalidUTF8(body))))
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return badRequest("", "", "body: empty; send a JSON object")
	}
	if trimmed[0] != '{' {
		return badRequest("", "", "body: want a JSON object, got %s", jsonKind(trimmed))
	}

	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(body, err)
	}

	if _, err := dec.Token(); err != io.EOF {
		end := dec.InputOffset()
		rest := bytes.TrimLeft(body[end:], " \t\r\n")
		return badRequest("", "", "body: unexpected data after the JSON object at %s",
			position(body, int64(len(body)-len(rest))))
	}

	if key, dup := duplicateKey(body); dup {
		return badRequest(key, "duplicate", "key %q: given twice in one object", key)
	}
	return nil
}

// jsonFrame is an object or array being walked by duplicateKey.
type jsonFrame struct {
	object  bool
	wantKey bool
	path    string // the dotted path of the object's keys
	keys    map[string]bool
}

// duplicateKey reports the dotted path of the first key that appears
// twice in one object of a well-formed JSON document. encoding/json would
// silently keep the last one.
func duplicateKey(doc []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	var stack []*jsonFrame
	var last string // the key whose value comes next

	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}

		var top *jsonFrame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if key, ok := tok.(string); ok && top != nil && top.wantKey {
			last = joinKey(top.path, key)
			if top.keys[key] {
				return last, true
			}
			top.keys[key] = true
			top.wantKey = false
			continue
		}

		switch tok {
		case json.Delim('{'):
			stack = append(stack, &jsonFrame{object: true, wantKey: true, path: last, keys: map[string]bool{}})
			continue
		case json.Delim('['):
			stack = append(stack, &jsonFrame{path: last})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				return "", false
			}
			top = stack[len(stack)-1]
		}
		if top == nil {
			return "", false
		}
		if top.object {
			top.wantKey = true
		}
		last = top.path
	}
}

func joinKey(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// decodeError explains a json error without quoting the input: the
// standard messages may carry a piece of it.
func decodeError(body []byte, err error) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("", "", "body: truncated JSON: it ends at %s inside a value",
			position(body, int64(len(body))))
	case errors.As(err, &syn):
		// Offset counts the bytes read, the offending one included.
		return badRequest("", "", "body: malformed JSON at %s", position(body, syn.Offset-1))
	case errors.As(err, &typ):
		key := typ.Field
		if key == "" {
			key = "(body)"
		}
		return badRequest(key, "type", "key %q: want %s, got %s",
			key, describeType(typ.Type), gotKind(typ.Value))
	}

	if key, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, _ := strconv.Unquote(key)
		return badRequest(name, "unknown", "key %q: unknown key", name)
	}
	return badRequest("", "", "body: cannot decode the JSON object")
}

// invalidUTF8 returns the offset of the first byte that is not UTF-8.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// position names the byte at offset off as line and column, counted
// from 1.
func position(body []byte, off int64) string {
	if off > int64(len(body)) {
		off = int64(len(body))
	}
	before := body[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d (byte %d)", line, col, off)
}

// gotKind keeps the kind of an UnmarshalTypeError's value ("number",
// "string", …) and drops the literal that may follow it.
func gotKind(value string) string {
	kind, _, _ := strings.Cut(value, " ")
	if kind == "" {
		return "another kind of value"
	}
	return "a JSON " + kind
}

// jsonKind names the kind of JSON value that doc starts with.
func jsonKind(doc []byte) string {
	var v any
	if json.Unmarshal(doc, &v) != nil {
		return "something that is not JSON"
	}
	switch v.(type) {
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	}
	return "null"
}

func describeType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

// WriteJSON writes v as JSON with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// IfMatch returns the version the request's If-Match header names, as
// "3" or as the ETag "\"3\"" that GET returned. A missing header is a 428
// StatusError, one that names no version a 400.
func IfMatch(r *http.Request) (int64, error) {
	h := r.Header.Get("If-Match")
	if h == "" {
		return 0, &StatusError{
			Status: http.StatusPreconditionRequired,
			Detail: "If-Match: missing; send the secret's version, the ETag of its GET",
		}
	}

	v, err := strconv.ParseInt(strings.Trim(h, `"`), 10, 64)
	if err != nil || v < 1 {
		return 0, badRequest("If-Match", "version",
			"If-Match: %q is not a version; send the ETag of the secret's GET, like \"3\"", h)
	}
	return v, nil
}

// ETag returns the entity tag of a secret version.
func ETag(version int64) string {
	return `"` + strconv.FormatInt(version, 10) + `"`
}
