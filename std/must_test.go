package std

import (
	"errors"
	"testing"
)

func TestMustReturnsTheValueWhenThereIsNoError(t *testing.T) {
	if got := Must(42, nil); got != 42 {
		t.Fatalf("Must(42, nil) = %d, want 42", got)
	}
}

func TestMustPanicsWithTheError(t *testing.T) {
	want := errors.New("open store: no such file")
	defer func() {
		got, _ := recover().(error)
		if !errors.Is(got, want) {
			t.Fatalf("Must panicked with %v, want %v", got, want)
		}
	}()
	Must("", want)
	t.Fatal("Must returned instead of panicking")
}
