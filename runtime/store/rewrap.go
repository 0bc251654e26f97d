package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// Rewrap re-wraps the data key of every current and kept version whose
// master key version is not the keyring's current one, batch rows per
// transaction. Payloads are not touched. An interrupted rewrap loses at
// most its open batch; running it again carries on. It returns how many
// rows it re-wrapped. Afterwards no row refers to an older master key
// version, and the keyring may drop it.
func (s *Store) Rewrap(ctx context.Context, batch int) (int, error) {
	if batch < 1 {
		return 0, fmt.Errorf("store: rewrap: batch size %d, want at least 1", batch)
	}

	total := 0
	for {
		n, err := s.rewrapBatch(ctx, batch)
		total += n
		if err != nil {
			return total, err
		}
		if n == 0 {
			s.log.Info("store rewrap done", "rows", total, "key_version", s.keys.Current())
			return total, nil
		}
	}
}

// rewrapBatch re-wraps up to batch rows in one transaction.
func (s *Store) rewrapBatch(ctx context.Context, batch int) (n int, err error) {
	current := int64(s.keys.Current())
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		n, err = s.rewrapSecrets(ctx, tx, current, batch)
		if err != nil {
			return err
		}
		m, err := s.rewrapVersions(ctx, tx, current, batch-n)
		n += m
		if err != nil || n == 0 || s.rewrapHook == nil {
			return err
		}
		return s.rewrapHook(ctx, n)
	})
	if err != nil {
		return 0, fmt.Errorf("store: rewrap: %w", err)
	}
	return n, nil
}

func (s *Store) rewrapSecrets(ctx context.Context, tx bun.Tx, current int64, limit int) (int, error) {
	var rows []secretRow
	err := tx.NewSelect().Model(&rows).Where("key_version <> ?", current).Order("id").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return 0, err
	}
	return len(rows), s.rewrapRows(ctx, tx, "secrets", "id", rows)
}

func (s *Store) rewrapVersions(ctx context.Context, tx bun.Tx, current int64, limit int) (int, error) {
	if limit < 1 {
		return 0, nil
	}
	var kept []versionRow
	err := tx.NewSelect().Model(&kept).Where("key_version <> ?", current).Order("secret_id", "version").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return 0, err
	}

	rows := make([]secretRow, len(kept))
	for i, v := range kept {
		rows[i] = v.secret()
	}
	return len(rows), s.rewrapRows(ctx, tx, "secret_versions", "secret_id", rows)
}

// rewrapRows re-wraps the data keys of rows in table, whose secret id
// column is idColumn. Each update is conditional on the version and master
// key version read, so a row that changed meanwhile is left alone.
func (s *Store) rewrapRows(ctx context.Context, tx bun.Tx, table, idColumn string, rows []secretRow) error {
	for _, row := range rows {
		if row.Format != envelopeFormat {
			return fmt.Errorf("secret %q version %d: unknown envelope format %d", row.ID, row.Version, row.Format)
		}
		sealed, err := s.keys.Rewrap(sealedOf(row), rowAD(row.ID, row.Type, row.Version))
		if err != nil {
			return fmt.Errorf("secret %q version %d: %w", row.ID, row.Version, err)
		}

		_, err = tx.NewUpdate().Table(table).
			Set("key_version = ?", sealed.KeyVersion).Set("wrapped_key = ?", sealed.WrappedKey).
			Where("? = ?", bun.Ident(idColumn), row.ID).Where("version = ?", row.Version).
			Where("key_version = ?", row.KeyVersion).
			Exec(ctx)
		if err != nil {
			return fmt.Errorf("secret %q version %d: %w", row.ID, row.Version, err)
		}
	}
	return nil
}

// secret returns the kept version as the row it once was.
func (v versionRow) secret() secretRow {
	return secretRow{
		ID: v.SecretID, Type: v.Type, Version: v.Version, UpdatedAt: v.WrittenAt,
		Format: v.Format, KeyVersion: v.KeyVersion, WrappedKey: v.WrappedKey, Nonce: v.Nonce, Ciphertext: v.Ciphertext,
	}
}
