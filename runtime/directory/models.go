package directory

import (
	"time"

	"github.com/uptrace/bun"
)

// User is a person known to the directory. It never holds the password.
type User struct {
	ID        string
	Name      string
	CreatedAt time.Time
}

// Group is a named set of users.
type Group struct {
	ID        string
	Name      string
	CreatedAt time.Time
}

type userRow struct {
	bun.BaseModel `bun:"table:dir_users"`

	ID           string    `bun:"id,pk"`
	Name         string    `bun:"name,notnull,unique"`
	PasswordHash string    `bun:"password_hash,notnull"`
	CreatedAt    time.Time `bun:"created_at,notnull"`
}

func (r userRow) user() User {
	return User{ID: r.ID, Name: r.Name, CreatedAt: r.CreatedAt.UTC()}
}

type groupRow struct {
	bun.BaseModel `bun:"table:dir_groups"`

	ID        string    `bun:"id,pk"`
	Name      string    `bun:"name,notnull,unique"`
	CreatedAt time.Time `bun:"created_at,notnull"`
}

func (r groupRow) group() Group {
	return Group{ID: r.ID, Name: r.Name, CreatedAt: r.CreatedAt.UTC()}
}

type memberRow struct {
	bun.BaseModel `bun:"table:dir_members"`

	GroupID string `bun:"group_id,pk"`
	UserID  string `bun:"user_id,pk"`
}

type permissionRow struct {
	bun.BaseModel `bun:"table:dir_permissions"`

	UserID     string `bun:"user_id,pk"`
	Permission string `bun:"permission,pk"`
}
