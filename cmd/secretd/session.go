package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// errNoSession is returned for a cookie that names no live session:
// unknown, logged out or expired.
var errNoSession = errors.New("no session")

// sessions keeps login sessions in the database, so that every secretd
// process sharing one PostgreSQL accepts a cookie issued by any of them.
// Only a hash of each cookie token is stored: a copy of the table logs
// nobody in.
type sessions struct {
	db  bun.IDB
	ttl time.Duration
	now func() time.Time
}

// session is one logged-in user. CSRF is the token every form and every
// unsafe API call of the session must carry.
type session struct {
	UserID    string
	CSRF      string
	ExpiresAt time.Time
}

type sessionRow struct {
	bun.BaseModel `bun:"table:secretd_sessions"`

	ID        string `bun:"id,pk"` // hex SHA-256 of the cookie token
	UserID    string `bun:"user_id,notnull"`
	CSRF      string `bun:"csrf,notnull"`
	CreatedAt int64  `bun:"created_at,notnull"` // Unix seconds
	ExpiresAt int64  `bun:"expires_at,notnull"` // Unix seconds
}

// openSessions creates the sessions table when it is missing. Several
// processes may open it at once.
func openSessions(ctx context.Context, db *bun.DB, ttl time.Duration, now func() time.Time) (*sessions, error) {
	err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := lockSchema(ctx, tx); err != nil {
			return err
		}
		_, err := tx.NewCreateTable().Model((*sessionRow)(nil)).IfNotExists().Exec(ctx)
		if err != nil {
			return fmt.Errorf("create table: %w", err)
		}
		_, err = tx.NewCreateIndex().Model((*sessionRow)(nil)).
			Index("secretd_sessions_expires_at_idx").Column("expires_at").
			IfNotExists().Exec(ctx)
		if err != nil {
			return fmt.Errorf("create index: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sessions: %w", err)
	}
	return &sessions{db: db, ttl: ttl, now: now}, nil
}

// lockSchema keeps two processes starting at once on PostgreSQL from
// colliding in CREATE ... IF NOT EXISTS; SQLite serialises writers anyway.
func lockSchema(ctx context.Context, tx bun.Tx) error {
	if tx.Dialect().Name() != dialect.PG {
		return nil
	}
	const key = 0x7365637265746400 // "secretd"
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", key); err != nil {
		return fmt.Errorf("lock schema: %w", err)
	}
	return nil
}

// create starts a session for userID and returns the cookie token.
// Expired sessions of anyone are swept on the way.
func (s *sessions) create(ctx context.Context, userID string) (string, session, error) {
	token := randomToken()
	now := s.now()
	row := sessionRow{
		ID:        tokenID(token),
		UserID:    userID,
		CSRF:      randomToken(),
		CreatedAt: now.Unix(),
		ExpiresAt: now.Add(s.ttl).Unix(),
	}

	if err := s.sweep(ctx); err != nil {
		return "", session{}, err
	}
	if _, err := s.db.NewInsert().Model(&row).Exec(ctx); err != nil {
		return "", session{}, fmt.Errorf("sessions: create: %w", err)
	}
	return token, row.session(), nil
}

// get returns the live session the token names, or errNoSession.
func (s *sessions) get(ctx context.Context, token string) (session, error) {
	if token == "" {
		return session{}, errNoSession
	}

	var row sessionRow
	err := s.db.NewSelect().Model(&row).Where("id = ?", tokenID(token)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return session{}, errNoSession
	}
	if err != nil {
		return session{}, fmt.Errorf("sessions: get: %w", err)
	}

	if !s.now().Before(time.Unix(row.ExpiresAt, 0)) {
		return session{}, errNoSession
	}
	return row.session(), nil
}

// delete ends the session the token names; an unknown token is no error.
func (s *sessions) delete(ctx context.Context, token string) error {
	_, err := s.db.NewDelete().Model((*sessionRow)(nil)).
		Where("id = ?", tokenID(token)).Exec(ctx)
	if err != nil {
		return fmt.Errorf("sessions: delete: %w", err)
	}
	return nil
}

// deleteUser ends every session of a user, e.g. after a password change.
func (s *sessions) deleteUser(ctx context.Context, userID string) error {
	_, err := s.db.NewDelete().Model((*sessionRow)(nil)).
		Where("user_id = ?", userID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("sessions: delete for user: %w", err)
	}
	return nil
}

func (s *sessions) sweep(ctx context.Context) error {
	_, err := s.db.NewDelete().Model((*sessionRow)(nil)).
		Where("expires_at <= ?", s.now().Unix()).Exec(ctx)
	if err != nil {
		return fmt.Errorf("sessions: sweep expired: %w", err)
	}
	return nil
}

func (r sessionRow) session() session {
	return session{UserID: r.UserID, CSRF: r.CSRF, ExpiresAt: time.Unix(r.ExpiresAt, 0)}
}

// randomToken returns 256 random bits, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never returns an error
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
