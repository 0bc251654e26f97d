package keyring

import "testing"

// go test -run '^$' -bench . ./runtime/keyring/
func BenchmarkSealOpen(b *testing.B) {
	kr, _ := New(map[int][]byte{1: testKey})
	payload := make([]byte, 200)
	ad := []byte("secretgen-row-v1 SMTP 0e6c26d1-2b17-48ef-a4e5-e3e7b57b3ff1")
	sealed, _ := kr.Seal(payload, ad)

	b.Run("seal", func(b *testing.B) {
		for b.Loop() {
			kr.Seal(payload, ad)
		}
	})
	b.Run("open", func(b *testing.B) {
		for b.Loop() {
			kr.Open(sealed, ad)
		}
	})
}
