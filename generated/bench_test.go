package generated_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/go-playground/validator/v10"

	"github.com/secretgen/secretgen/generated"
	"github.com/secretgen/secretgen/secret"
)

var sample = secret.SMTP{
	Name:          "Office relay",
	Host:          "smtp.example.com",
	Port:          587,
	Username:      "mailer",
	Password:      "correct horse battery staple",
	SenderAddress: "noreply@example.com",
}

// BenchmarkCodec compares a marshal plus unmarshal of SMTP through the
// generated codec with the same through encoding/json.
func BenchmarkCodec(b *testing.B) {
	b.Run("generated", func(b *testing.B) {
		for b.Loop() {
			v, err := generated.DecodeSMTP(generated.EncodeSMTP(sample), false)
			if err != nil || v != sample {
				b.Fatal("round trip failed", err)
			}
		}
	})
	b.Run("encoding_json", func(b *testing.B) {
		for b.Loop() {
			data, err := json.Marshal(sample)
			if err != nil {
				b.Fatal(err)
			}
			var v secret.SMTP
			if err := json.Unmarshal(data, &v); err != nil || v != sample {
				b.Fatal("round trip failed", err)
			}
		}
	})
}

// BenchmarkValidate compares the generated validator with validator.Struct
// on the same valid SMTP value.
func BenchmarkValidate(b *testing.B) {
	b.Run("generated", func(b *testing.B) {
		for b.Loop() {
			if err := generated.ValidateSMTP(sample); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("validator_struct", func(b *testing.B) {
		v := validator.New(validator.WithRequiredStructEnabled())
		for b.Loop() {
			if err := v.Struct(sample); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRatio runs each pair in alternating batches within one
// benchmark and reports how many times faster the generated code is, as
// the metric x-faster: the median over the rounds, so that load on the
// machine falls on both sides alike.
func BenchmarkRatio(b *testing.B) {
	json := func() {
		data, _ := json.Marshal(sample)
		var v secret.SMTP
		json.Unmarshal(data, &v)
	}
	codec := func() {
		generated.DecodeSMTP(generated.EncodeSMTP(sample), false)
	}
	v := validator.New(validator.WithRequiredStructEnabled())

	b.Run("codec_vs_encoding_json", func(b *testing.B) {
		ratio(b, json, codec)
	})
	b.Run("validate_vs_validator_struct", func(b *testing.B) {
		ratio(b, func() { v.Struct(sample) }, func() { generated.ValidateSMTP(sample) })
	})
}

// ratio times batches of base and fast in turn and reports the median of
// the per-round ratios, which a pause that hits one side of one round
// cannot move.
func ratio(b *testing.B, base, fast func()) {
	const batch = 50
	var rounds []float64
	for b.Loop() {
		t0 := time.Now()
		for range batch {
			base()
		}
		t1 := time.Now()
		for range batch {
			fast()
		}
		rounds = append(rounds, float64(t1.Sub(t0))/float64(time.Since(t1)))
	}
	slices.Sort(rounds)
	b.ReportMetric(rounds[len(rounds)/2], "x-faster")
}
