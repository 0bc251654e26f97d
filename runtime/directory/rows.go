package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"
)

// one returns the row of table R whose column equals value; what names
// the row in errors. A value no row can hold is not found without a query.
func one[R any](ctx context.Context, db bun.IDB, what, column, value string) (R, error) {
	var row R
	if !possible(what, column, value) {
		return row, notFound(what, value)
	}

	err := db.NewSelect().Model(&row).Where("? = ?", bun.Ident(column), value).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return row, notFound(what, value)
	}
	if err != nil {
		return row, fmt.Errorf("directory: %s %q: %w", what, value, err)
	}
	return row, nil
}

// all returns the rows of table R sorted by name, each converted by conv.
func all[R, T any](ctx context.Context, db bun.IDB, what string, conv func(R) T) ([]T, error) {
	var rows []R
	if err := db.NewSelect().Model(&rows).Order("name").Scan(ctx); err != nil {
		return nil, fmt.Errorf("directory: list %ss: %w", what, err)
	}

	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = conv(r)
	}
	return out, nil
}
