package httpapi

import "testing"

func TestDuplicateKey(t *testing.T) {
	tests := []struct {
		doc  string
		want string // "" for none
	}{
		{`{"a":1,"b":2}`, ""},
		{`{"a":[{"k":1},{"k":2}],"b":{"k":1},"k":3}`, ""},
		{`{"a":{"b":{"c":1}},"d":{"b":{"c":2}}}`, ""},
		{`{"a":1,"a":2}`, "a"},
		{`{"a":{"b":1,"c":[1,2],"b":2}}`, "a.b"},
		{`{"a":[[{"x":1,"x":2}]]}`, "a.x"},
		{`{"a":[{"x":1},{"y":1,"y":2}]}`, "a.y"},
		{`{"a":{"b":{}},"c":1,"a":0}`, "a"},
	}
	for _, tt := range tests {
		got, dup := duplicateKey([]byte(tt.doc))
		if got != tt.want || dup != (tt.want != "") {
			t.Errorf("duplicateKey(%s) = %q, %v; want %q", tt.doc, got, dup, tt.want)
		}
	}
}
