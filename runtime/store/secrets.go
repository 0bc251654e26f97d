package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/secretgen/secretgen/runtime/keyring"
	"github.com/secretgen/secretgen/runtime/kind"
)

// envelopeFormat is the stored format of a row's sealed columns: an
// XChaCha20-Poly1305 payload under a data key that an XChaCha20-Poly1305
// master key wraps. A row with any other format is refused.
const envelopeFormat = 1

// MaxPayload is the largest payload the store accepts, in bytes.
const MaxPayload = 1 << 20

// ops runs the store's operations on a database or a transaction.
type ops struct {
	s  *Store
	db bun.IDB
}

func (o ops) create(ctx context.Context, typ string, payload []byte) (kind.Meta, error) {
	if err := checkInput(typ, payload); err != nil {
		return kind.Meta{}, fmt.Errorf("store: create: %w", err)
	}

	now := timestamp()
	row := secretRow{ID: uuid.NewString(), Type: typ, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := o.seal(&row, payload); err != nil {
		return kind.Meta{}, err
	}
	if _, err := o.stmt(ctx, o.s.stmts.insert).ExecContext(ctx, row.values()...); err != nil {
		return kind.Meta{}, fmt.Errorf("store: create %s secret: %w", typ, err)
	}
	return row.meta(), nil
}

func checkInput(typ string, payload []byte) error {
	switch {
	case typ == "":
		return errors.New("empty secret type")
	case len(typ) > 200:
		return fmt.Errorf("secret type of %d bytes, want at most 200", len(typ))
	case len(payload) > MaxPayload:
		return fmt.Errorf("payload of %d bytes, want at most %d", len(payload), MaxPayload)
	}
	return nil
}

// timestamp is now in UTC at the precision both databases keep.
func timestamp() time.Time {
	return time.Now().UTC().Truncate(time.Microsecond)
}

func (o ops) get(ctx context.Context, typ, id string) (kind.Item, error) {
	row, err := o.live(ctx, typ, id)
	if err != nil {
		return kind.Item{}, err
	}
	return o.open(row)
}

// live reads the current row of a secret that is not deleted and, when typ
// is set, has type typ.
func (o ops) live(ctx context.Context, typ, id string) (secretRow, error) {
	var row secretRow
	err := o.stmt(ctx, o.s.stmts.live).QueryRowContext(ctx, id, typ).Scan(row.fields()...)
	if errors.Is(err, sql.ErrNoRows) {
		return row, notFound(typ, id)
	}
	if err != nil {
		return row, fmt.Errorf("store: read secret %q: %w", id, err)
	}
	return row, nil
}

// liveColumns are the columns of a live secret that reads need.
var liveColumns = []string{
	"id", "type", "version", "created_at", "updated_at",
	"format", "key_version", "wrapped_key", "nonce", "ciphertext",
}

func notFound(typ, id string) error {
	if typ == "" {
		return fmt.Errorf("store: secret %q: %w", id, kind.ErrNotFound)
	}
	return fmt.Errorf("store: %s secret %q: %w", typ, id, kind.ErrNotFound)
}

func conflict(id string, want, have int64) error {
	return fmt.Errorf("store: secret %q is at version %d, not %d: %w", id, have, want, kind.ErrConflict)
}

func (o ops) update(ctx context.Context, typ, id string, version int64, payload []byte) (kind.Meta, error) {
	if err := checkInput(typ, payload); err != nil {
		return kind.Meta{}, fmt.Errorf("store: update %q: %w", id, err)
	}
	row, err := o.live(ctx, typ, id)
	if err != nil {
		return kind.Meta{}, err
	}
	if row.Version != version {
		return kind.Meta{}, conflict(id, version, row.Version)
	}
	return o.write(ctx, row, payload)
}

// write replaces the current row old with a new version holding payload,
// keeps old in the history and prunes the history. The update is
// conditional on old's version, so a writer that raced ahead in another
// process makes this one fail with a conflict.
func (o ops) write(ctx context.Context, old secretRow, payload []byte) (kind.Meta, error) {
	row := old
	row.Version, row.UpdatedAt = old.Version+1, timestamp()
	if err := o.seal(&row, payload); err != nil {
		return kind.Meta{}, err
	}

	res, err := o.db.NewUpdate().Model(&row).
		Column("version", "updated_at", "format", "key_version", "wrapped_key", "nonce", "ciphertext").
		Where("id = ?", old.ID).Where("version = ?", old.Version).Where("deleted_at IS NULL").
		Exec(ctx)
	if err := changedOne(res, err); err != nil {
		return kind.Meta{}, fmt.Errorf("store: write secret %q version %d: %w", old.ID, row.Version, err)
	}

	if err := o.keep(ctx, old); err != nil {
		return kind.Meta{}, err
	}
	return row.meta(), nil
}

// changedOne turns an update that matched no row into a conflict.
func changedOne(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return fmt.Errorf("changed concurrently: %w", kind.ErrConflict)
	}
	return nil
}

// keep moves the replaced row old into the history and drops versions
// beyond the configured number.
func (o ops) keep(ctx context.Context, old secretRow) error {
	if o.s.keep > 0 {
		v := versionRow{
			SecretID: old.ID, Version: old.Version, Type: old.Type, WrittenAt: old.UpdatedAt,
			Format: old.Format, KeyVersion: old.KeyVersion,
			WrappedKey: old.WrappedKey, Nonce: old.Nonce, Ciphertext: old.Ciphertext,
		}
		if _, err := o.db.NewInsert().Model(&v).Returning("").Exec(ctx); err != nil {
			return fmt.Errorf("store: keep secret %q version %d: %w", old.ID, old.Version, err)
		}
	}

	_, err := o.db.NewDelete().Model((*versionRow)(nil)).
		Where("secret_id = ?", old.ID).Where("version <= ?", old.Version-int64(o.s.keep)).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: prune history of secret %q: %w", old.ID, err)
	}
	return nil
}

func (o ops) delete(ctx context.Context, typ, id string, version int64) error {
	q := o.db.NewUpdate().Model((*secretRow)(nil)).Set("deleted_at = ?", timestamp()).
		Where("id = ?", id).Where("version = ?", version).Where("deleted_at IS NULL")
	if typ != "" {
		q = q.Where("type = ?", typ)
	}
	res, err := q.Exec(ctx)
	if err := changedOne(res, err); errors.Is(err, kind.ErrConflict) {
		return o.why(ctx, typ, id, version)
	} else if err != nil {
		return fmt.Errorf("store: delete secret %q: %w", id, err)
	}
	return nil
}

// why explains why a conditional change matched no row: the secret is
// gone, or at another version.
func (o ops) why(ctx context.Context, typ, id string, version int64) error {
	row, err := o.live(ctx, typ, id)
	if err != nil {
		return err
	}
	return conflict(id, version, row.Version)
}

func (o ops) undelete(ctx context.Context, id string, version int64) (kind.Meta, error) {
	res, err := o.db.NewUpdate().Model((*secretRow)(nil)).
		Set("deleted_at = NULL").Set("updated_at = ?", timestamp()).
		Where("id = ?", id).Where("version = ?", version).Where("deleted_at IS NOT NULL").
		Exec(ctx)
	if err := changedOne(res, err); err != nil && !errors.Is(err, kind.ErrConflict) {
		return kind.Meta{}, fmt.Errorf("store: undelete secret %q: %w", id, err)
	}

	var row secretRow
	err = o.db.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return kind.Meta{}, notFound("", id)
	case err != nil:
		return kind.Meta{}, fmt.Errorf("store: undelete secret %q: %w", id, err)
	case row.Version != version:
		return kind.Meta{}, conflict(id, version, row.Version)
	}
	return row.meta(), nil
}

func (o ops) purge(ctx context.Context, id string) error {
	_, err := o.db.NewDelete().Model((*versionRow)(nil)).Where("secret_id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: purge secret %q: %w", id, err)
	}
	res, err := o.db.NewDelete().Model((*secretRow)(nil)).Where("id = ?", id).Exec(ctx)
	if err := changedOne(res, err); errors.Is(err, kind.ErrConflict) {
		return notFound("", id)
	} else if err != nil {
		return fmt.Errorf("store: purge secret %q: %w", id, err)
	}
	return nil
}

func (o ops) list(ctx context.Context, typ string) ([]kind.Item, error) {
	var rows []secretRow
	q := o.db.NewSelect().Model(&rows).Column(liveColumns...).Where("deleted_at IS NULL").Order("created_at", "id")
	if typ != "" {
		q = q.Where("type = ?", typ)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: list %q secrets: %w", typ, err)
	}
	return o.openAll(rows)
}

func (o ops) getMany(ctx context.Context, ids []string) ([]kind.Item, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var rows []secretRow
	err := o.db.NewSelect().Model(&rows).Column(liveColumns...).Where("id IN (?)", bun.In(ids)).
		Where("deleted_at IS NULL").Order("created_at", "id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: read %d secrets: %w", len(ids), err)
	}
	return o.openAll(rows)
}

func (o ops) openAll(rows []secretRow) ([]kind.Item, error) {
	items := make([]kind.Item, 0, len(rows))
	for _, row := range rows {
		item, err := o.open(row)
		if err != nil {
			return nil, err
		}
		items = append(items, item)
	}
	return items, nil
}

func (o ops) history(ctx context.Context, id string) ([]kind.Meta, error) {
	row, err := o.live(ctx, "", id)
	if err != nil {
		return nil, err
	}
	var old []versionRow
	err = o.db.NewSelect().Model(&old).Where("secret_id = ?", id).Order("version DESC").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: history of secret %q: %w", id, err)
	}

	metas := []kind.Meta{row.meta()}
	for _, v := range old {
		metas = append(metas, kind.Meta{ID: id, Type: v.Type, Version: v.Version, CreatedAt: row.CreatedAt.UTC(), UpdatedAt: v.WrittenAt.UTC()})
	}
	return metas, nil
}

func (o ops) getVersion(ctx context.Context, id string, version int64) (kind.Item, error) {
	row, err := o.live(ctx, "", id)
	if err != nil {
		return kind.Item{}, err
	}
	if version == row.Version {
		return o.open(row)
	}

	v := versionRow{SecretID: id, Version: version}
	err = o.db.NewSelect().Model(&v).WherePK().Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return kind.Item{}, fmt.Errorf("store: secret %q keeps no version %d: %w", id, version, kind.ErrNotFound)
	}
	if err != nil {
		return kind.Item{}, fmt.Errorf("store: read secret %q version %d: %w", id, version, err)
	}

	old := v.secret()
	old.CreatedAt = row.CreatedAt
	return o.open(old)
}

func (o ops) restore(ctx context.Context, id string, expect, from int64) (kind.Meta, error) {
	row, err := o.live(ctx, "", id)
	if err != nil {
		return kind.Meta{}, err
	}
	if row.Version != expect {
		return kind.Meta{}, conflict(id, expect, row.Version)
	}
	old, err := o.getVersion(ctx, id, from)
	if err != nil {
		return kind.Meta{}, err
	}
	if old.Type != row.Type {
		return kind.Meta{}, fmt.Errorf("store: restore secret %q: version %d is of type %s, not %s", id, from, old.Type, row.Type)
	}
	return o.write(ctx, row, old.Payload)
}

// seal pads payload and encrypts it into row under the row's id, type
// and version.
func (o ops) seal(row *secretRow, payload []byte) error {
	sealed, err := o.s.keys.Seal(pad(payload), rowAD(row.ID, row.Type, row.Version))
	if err != nil {
		return fmt.Errorf("store: seal secret %q: %w", row.ID, err)
	}
	row.Format = envelopeFormat
	row.KeyVersion = int64(sealed.KeyVersion)
	row.WrappedKey, row.Nonce, row.Ciphertext = sealed.WrappedKey, sealed.Nonce, sealed.Ciphertext
	return nil
}

// open decrypts a row. A row whose format, sizes or authentication tags
// are not as sealed is an error; nothing in it is ever read as plaintext.
func (o ops) open(row secretRow) (kind.Item, error) {
	if row.Format != envelopeFormat {
		return kind.Item{}, fmt.Errorf("store: secret %q version %d: unknown envelope format %d", row.ID, row.Version, row.Format)
	}
	padded, err := o.s.keys.Open(sealedOf(row), rowAD(row.ID, row.Type, row.Version))
	if err != nil {
		return kind.Item{}, fmt.Errorf("store: secret %q version %d: %w", row.ID, row.Version, err)
	}
	payload, err := unpad(padded)
	if err != nil {
		return kind.Item{}, fmt.Errorf("store: secret %q version %d: %w", row.ID, row.Version, err)
	}
	return kind.Item{Meta: row.meta(), Payload: payload}, nil
}

// padBlock is the multiple a sealed payload's length is rounded up to, so
// the ciphertext's length tells only roughly how long a payload is.
const padBlock = 64

// pad appends 0x80 and then zeros up to the next multiple of padBlock.
func pad(payload []byte) []byte {
	n := (len(payload)/padBlock + 1) * padBlock
	out := make([]byte, n)
	copy(out, payload)
	out[len(payload)] = 0x80
	return out
}

// unpad removes what pad added, and refuses anything pad cannot have made.
func unpad(padded []byte) ([]byte, error) {
	end := len(padded) - 1
	for end >= 0 && padded[end] == 0 {
		end--
	}
	if end < 0 || padded[end] != 0x80 || len(padded)%padBlock != 0 {
		return nil, errors.New("malformed payload padding")
	}
	return padded[:end], nil
}

func sealedOf(row secretRow) keyring.Sealed {
	return keyring.Sealed{
		KeyVersion: int(row.KeyVersion), WrappedKey: row.WrappedKey,
		Nonce: row.Nonce, Ciphertext: row.Ciphertext,
	}
}

// rowAD is the associated data that binds a payload to its row: the format,
// the secret's id, its type and its version, each length-prefixed.
func rowAD(id, typ string, version int64) []byte {
	ad := []byte("secretgen-row-v1\x00")
	ad = binary.BigEndian.AppendUint16(ad, envelopeFormat)
	ad = binary.AppendUvarint(ad, uint64(len(id)))
	ad = append(ad, id...)
	ad = binary.AppendUvarint(ad, uint64(len(typ)))
	ad = append(ad, typ...)
	return binary.BigEndian.AppendUint64(ad, uint64(version))
}

func (r secretRow) meta() kind.Meta {
	return kind.Meta{ID: r.ID, Type: r.Type, Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}
