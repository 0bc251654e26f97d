package codec_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/secretgen/secretgen/runtime/codec"
	"github.com/secretgen/secretgen/runtime/kind"
)

// object wraps one encoded value as {"k":value}.
func object(value []byte) []byte {
	return append(append([]byte(`{"k":`), value...), '}')
}

// decodeOne decodes the value under key k with read.
func decodeOne[T any](t *testing.T, data []byte, read func(*codec.Decoder) T) T {
	t.Helper()
	d := codec.NewDecoder("Test", data)
	var v T
	for d.Next() {
		if string(d.Key()) != "k" {
			t.Fatalf("key %q, want k", d.Key())
		}
		v = read(d)
	}
	if err := d.Err(); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	return v
}

func randomString(r *rand.Rand) string {
	alphabet := []rune("aZ09 \"\\/\n\t\x00\x1f\u00e9\u2028\U0001F600<>&")
	n := r.IntN(12)
	var b strings.Builder
	for range n {
		b.WriteRune(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

// TestRoundTrip encodes and decodes many random values of every kind.
func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		s := randomString(r)
		if got := decodeOne(t, object(codec.AppendString(nil, s)), (*codec.Decoder).String); got != s {
			t.Fatalf("string %q came back as %q", s, got)
		}

		i := int64(r.Uint64())
		if got := decodeOne(t, object(codec.AppendInt(nil, i)), func(d *codec.Decoder) int64 { return d.Int(64) }); got != i {
			t.Fatalf("int %d came back as %d", i, got)
		}

		u := r.Uint64()
		if got := decodeOne(t, object(codec.AppendUint(nil, u)), func(d *codec.Decoder) uint64 { return d.Uint(64) }); got != u {
			t.Fatalf("uint %d came back as %d", u, got)
		}

		f := math.Float64frombits(r.Uint64())
		got := decodeOne(t, object(codec.AppendFloat(nil, f, 64)), func(d *codec.Decoder) float64 { return d.Float(64) })
		if got != f && !(math.IsNaN(f) && math.IsNaN(got)) {
			t.Fatalf("float %v came back as %v", f, got)
		}

		f32 := math.Float32frombits(r.Uint32())
		got32 := float32(decodeOne(t, object(codec.AppendFloat(nil, float64(f32), 32)), func(d *codec.Decoder) float64 { return d.Float(32) }))
		if got32 != f32 && !(f32 != f32 && got32 != got32) {
			t.Fatalf("float32 %v came back as %v", f32, got32)
		}

		dur := time.Duration(r.Int64() - r.Int64())
		if got := decodeOne(t, object(codec.AppendDuration(nil, dur)), (*codec.Decoder).Duration); got != dur {
			t.Fatalf("duration %v came back as %v", dur, got)
		}

		tm := time.Unix(r.Int64N(1<<34), r.Int64N(1e9)).In(time.FixedZone("", 60*(r.IntN(1000)-500)))
		if got := decodeOne(t, object(codec.AppendTime(nil, tm)), (*codec.Decoder).Time); !got.Equal(tm) {
			t.Fatalf("time %v came back as %v", tm, got)
		}

		var list []string
		if r.IntN(4) > 0 {
			list = []string{}
			for range r.IntN(4) {
				list = append(list, randomString(r))
			}
		}
		gotList := decodeOne(t, object(codec.AppendStrings(nil, list)), (*codec.Decoder).Strings)
		if (list == nil) != (gotList == nil) || strings.Join(list, "\x01") != strings.Join(gotList, "\x01") {
			t.Fatalf("list %q came back as %q", list, gotList)
		}
	}
}

func TestEdgeValuesRoundTrip(t *testing.T) {
	for _, d := range []time.Duration{math.MinInt64, math.MaxInt64, 0, 1, -1} {
		if got := decodeOne(t, object(codec.AppendDuration(nil, d)), (*codec.Decoder).Duration); got != d {
			t.Errorf("duration %d came back as %d", d, got)
		}
	}
	for _, f := range []float64{math.Inf(1), math.Inf(-1), math.MaxFloat64, math.SmallestNonzeroFloat64, 0} {
		if got := decodeOne(t, object(codec.AppendFloat(nil, f, 64)), func(d *codec.Decoder) float64 { return d.Float(64) }); got != f {
			t.Errorf("float %v came back as %v", f, got)
		}
	}
}

// TestDecodeErrors pins the reason for each kind of bad input, and that
// the reason never holds the value.
func TestDecodeErrors(t *testing.T) {
	const secret = "hunter2"
	tests := []struct {
		name   string
		input  string
		read   func(*codec.Decoder)
		key    string
		reason string
	}{
		{"not an object", `["hunter2"]`, nil, "", "want a JSON object"},
		{"string for int", `{"k":"hunter2"}`, func(d *codec.Decoder) { d.Int(64) }, "k", "want a number"},
		{"fraction for int", `{"k":1.5}`, func(d *codec.Decoder) { d.Int(64) }, "k", "want an integer"},
		{"int8 overflow", `{"k":300}`, func(d *codec.Decoder) { d.Int(8) }, "k", "number out of range for int8"},
		{"negative uint", `{"k":-1}`, func(d *codec.Decoder) { d.Uint(64) }, "k", "number out of range for uint64"},
		{"number for string", `{"k":12}`, func(d *codec.Decoder) { _ = d.String() }, "k", "want a string"},
		{"bad duration", `{"k":"hunter2"}`, func(d *codec.Decoder) { d.Duration() }, "k", `want a duration string like "1m30s"`},
		{"bad time", `{"k":"hunter2"}`, func(d *codec.Decoder) { d.Time() }, "k", "want an RFC 3339 time string"},
		{"bad bool", `{"k":"hunter2"}`, func(d *codec.Decoder) { d.Bool() }, "k", "want true or false"},
		{"bad list", `{"k":["a",1]}`, func(d *codec.Decoder) { d.Strings() }, "k", "want an array of strings"},
		{"unknown key when strict", `{"k":"hunter2"}`, func(d *codec.Decoder) { d.Unknown(true) }, "k", "unknown key"},
		{"trailing comma", `{"k":"a",}`, func(d *codec.Decoder) { _ = d.String() }, "", "want a key"},
		{"trailing data", `{"k":"a"} hunter2`, func(d *codec.Decoder) { _ = d.String() }, "", "unexpected data after the object"},
		{"leading zero", `{"k":01}`, func(d *codec.Decoder) { d.Int(64) }, "", "want a comma or the end of the object"},
		{"unterminated", `{"k":"hunter2`, func(d *codec.Decoder) { _ = d.String() }, "k", "want a string"},
		{"control character", "{\"k\":\"a\x01\"}", func(d *codec.Decoder) { _ = d.String() }, "k", "want a string"},
		{"deep nesting", `{"k":` + strings.Repeat("[", 2000) + strings.Repeat("]", 2000) + `}`, func(d *codec.Decoder) { d.Skip() }, "k", "value nested too deeply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := codec.NewDecoder("Test", []byte(tt.input))
			for d.Next() {
				tt.read(d)
			}
			var de *kind.DecodeError
			if !errors.As(d.Err(), &de) {
				t.Fatalf("error %v, want a *kind.DecodeError", d.Err())
			}
			if de.Key != tt.key || de.Reason != tt.reason || de.Type != "Test" {
				t.Errorf("got key %q reason %q, want key %q reason %q", de.Key, de.Reason, tt.key, tt.reason)
			}
			if strings.Contains(de.Error(), secret) {
				t.Errorf("error %q holds the value", de.Error())
			}
		})
	}
}

func TestTolerantDecodingSkipsUnknownValues(t *testing.T) {
	input := `{"x":{"a":[1,2,{"b":null}],"c":"\u00e9"},"k":"v","y":-1.5e3,"z":[true,false]}`
	d := codec.NewDecoder("Test", []byte(input))
	var got string
	for d.Next() {
		if string(d.Key()) == "k" {
			got = d.String()
			continue
		}
		d.Unknown(false)
	}
	if err := d.Err(); err != nil || got != "v" {
		t.Fatalf("got %q, %v; want v, nil", got, err)
	}
}

func TestEscapesAndNull(t *testing.T) {
	d := codec.NewDecoder("Test", []byte(`{"k\u0031":"a\"b\\c\/\u00e9\ud83d\ude00\ud800x","n":null}`))
	got := map[string]string{}
	for d.Next() {
		key := string(d.Key())
		got[key] = d.String()
	}
	if err := d.Err(); err != nil {
		t.Fatal(err)
	}
	if want := "a\"b\\c/é😀\ufffdx"; got["k1"] != want {
		t.Errorf("k1 = %q, want %q", got["k1"], want)
	}
	if v, ok := got["n"]; !ok || v != "" {
		t.Errorf("null read as %q, want empty", v)
	}
}

// TestInvalidUTF8WithEscapes pins a string whose unescaped length equals
// its raw length: it must still come back unescaped.
func TestInvalidUTF8WithEscapes(t *testing.T) {
	got := decodeOne(t, []byte("{\"k\":\"\xff\\n\\n\"}"), (*codec.Decoder).String)
	if want := "\ufffd\n\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
