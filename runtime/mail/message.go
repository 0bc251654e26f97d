package mail

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
)

// envelope is a message ready for the wire: the SMTP sender and
// recipients and the RFC 5322 text.
type envelope struct {
	from string
	to   []string
	data string
}

// compose checks msg and the sender and writes the message text. Any line
// break in a header value is refused: it would let the value add headers
// of its own.
func compose(from string, msg Message, now time.Time) (envelope, error) {
	sender, err := parseAddress("sender address", from)
	if err != nil {
		return envelope{}, err
	}
	if len(msg.To) == 0 {
		return envelope{}, errors.New("message has no recipient")
	}
	if i := strings.IndexAny(msg.Subject, "\r\n"); i >= 0 {
		return envelope{}, fmt.Errorf("subject has a line break at byte %d", i)
	}

	env := envelope{from: sender.Address}
	var to []string
	for i, raw := range msg.To {
		a, err := parseAddress(fmt.Sprintf("recipient %d", i+1), raw)
		if err != nil {
			return envelope{}, err
		}
		env.to = append(env.to, a.Address)
		to = append(to, a.String())
	}

	env.data = text(sender, to, msg, now)
	return env, nil
}

func parseAddress(what, s string) (*mail.Address, error) {
	if s == "" {
		return nil, fmt.Errorf("%s is empty", what)
	}
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return nil, fmt.Errorf("%s %q has a line break at byte %d", what, s, i)
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w", what, s, err)
	}
	return a, nil
}

// text writes the headers and the quoted-printable body with CRLF line
// ends.
func text(from *mail.Address, to []string, msg Message, now time.Time) string {
	var b strings.Builder
	header := func(name, value string) {
		b.WriteString(name + ": " + value + "\r\n")
	}
	header("From", from.String())
	header("To", strings.Join(to, ", "))
	header("Subject", mime.QEncoding.Encode("utf-8", msg.Subject))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", messageID(from.Address))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")

	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(msg.Body)) // a strings.Builder never fails
	qp.Close()
	return b.String()
}

// messageID is random, in the domain of the sender.
func messageID(from string) string {
	domain := from[strings.LastIndexByte(from, '@')+1:]
	r := make([]byte, 16)
	rand.Read(r) // never returns an error
	return "<" + hex.EncodeToString(r) + "@" + domain + ">"
}
