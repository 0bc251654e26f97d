package access

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/secretgen/secretgen/runtime/kind"
)

// recorder collects the audit rows of one transaction.
type recorder struct {
	rows []auditRow
}

// allowed records a successful action on the secret described by meta.
func (r *recorder) allowed(actor string, a Action, meta kind.Meta, detail string) {
	r.rows = append(r.rows, auditRow{
		At: time.Now().UTC(), Actor: actor, Action: string(a),
		SecretID: meta.ID, Type: meta.Type, Version: meta.Version,
		Outcome: string(Allowed), Detail: detail,
	})
}

func (r *recorder) write(ctx context.Context, db bun.IDB) error {
	if len(r.rows) == 0 {
		return nil
	}
	if _, err := db.NewInsert().Model(&r.rows).Exec(ctx); err != nil {
		return fmt.Errorf("access: write audit: %w", err)
	}
	return nil
}

func (r *recorder) events() []Event {
	out := make([]Event, len(r.rows))
	for i, row := range r.rows {
		out[i] = Event{
			Action: Action(row.Action), Actor: row.Actor,
			SecretID: row.SecretID, Type: row.Type, Version: row.Version,
		}
	}
	return out
}

// deniedError is a refused attempt. It matches ErrForbidden and carries
// what the audit row needs; its message never holds a value.
type deniedError struct {
	actor  string
	action Action
	meta   kind.Meta
	reason string
}

func (e *deniedError) Error() string {
	if e.meta.ID == "" && e.meta.Type == "" {
		return fmt.Sprintf("access: %s: %s: %v", e.action, e.reason, ErrForbidden)
	}
	if e.meta.ID == "" {
		return fmt.Sprintf("access: %s %s: %s: %v", e.action, e.meta.Type, e.reason, ErrForbidden)
	}
	return fmt.Sprintf("access: %s secret %q: %s: %v", e.action, e.meta.ID, e.reason, ErrForbidden)
}

func (e *deniedError) Unwrap() error { return ErrForbidden }

// deny returns the refusal of action on meta for sub.
func deny(sub Subject, a Action, meta kind.Meta, reason string, args ...any) *deniedError {
	return &deniedError{actor: sub.UserID, action: a, meta: meta, reason: fmt.Sprintf(reason, args...)}
}

// audited writes the audit row of err when err is a refusal, in its own
// transaction, so the row survives the refused change. It returns err.
func (s *Service) audited(ctx context.Context, err error) error {
	var d *deniedError
	if !errors.As(err, &d) {
		return err
	}

	row := auditRow{
		At: time.Now().UTC(), Actor: d.actor, Action: string(d.action),
		SecretID: d.meta.ID, Type: d.meta.Type, Version: d.meta.Version,
		Outcome: string(Refused), Detail: d.reason,
	}
	if _, werr := s.store.DB().NewInsert().Model(&row).Exec(ctx); werr != nil {
		return errors.Join(err, fmt.Errorf("access: write audit of refusal: %w", werr))
	}
	s.log.Debug("access refused", "actor", d.actor, "action", d.action,
		"secret", d.meta.ID, "type", d.meta.Type, "reason", d.reason)
	return err
}

// Audit returns the audit rows of a secret, oldest first. Only owners may
// read them.
func (s *Service) Audit(ctx context.Context, sub Subject, id string) ([]AuditEntry, error) {
	acl, err := s.aclOf(ctx, s.store.DB(), id, false)
	if err != nil {
		return nil, err
	}
	if acl.role(sub.UserID) != Owner {
		return nil, s.audited(ctx, deny(sub, ActionAuditRead, acl.meta(), "only owners may read the audit"))
	}

	var rows []auditRow
	err = s.store.DB().NewSelect().Model(&rows).Where("secret_id = ?", id).Order("id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("access: read audit of secret %q: %w", id, err)
	}
	out := make([]AuditEntry, len(rows))
	for i, r := range rows {
		out[i] = r.entry()
	}
	return out, nil
}
