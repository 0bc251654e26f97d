package httpapi

import (
	"encoding/json"
	"time"

	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/kind"
)

// Secret is a secret as the API sends it. Data is the type's JSON object;
// for a viewer its secret fields hold access.Mask. Lists leave Data out,
// and say in Unreadable why a secret does not read with its type now.
type Secret struct {
	ID         string             `json:"id"`
	Type       string             `json:"type"`
	Version    int64              `json:"version"`
	CreatedAt  time.Time          `json:"createdAt"`
	UpdatedAt  time.Time          `json:"updatedAt"`
	Name       string             `json:"name"`
	Data       json.RawMessage    `json:"data,omitempty"`
	Masked     bool               `json:"masked"`
	Unreadable string             `json:"unreadable,omitempty"`
	Role       access.Role        `json:"role,omitempty"`
	Users      []access.UserShare `json:"users"`
	Groups     []string           `json:"groups"`
}

// NewSecret converts s to its wire form, with Data when withData is set.
func NewSecret(s access.Secret, withData bool) Secret {
	out := Secret{
		ID:         s.ID,
		Type:       s.Type,
		Version:    s.Version,
		CreatedAt:  s.CreatedAt,
		UpdatedAt:  s.UpdatedAt,
		Name:       s.Name,
		Masked:     s.Masked,
		Unreadable: s.Unreadable,
		Role:       s.Role,
		Users:      nonNil(s.Users),
		Groups:     nonNil(s.Groups),
	}
	if withData {
		out.Data = json.RawMessage(s.Payload)
	}
	return out
}

func newSecrets(list []access.Secret) []Secret {
	out := make([]Secret, len(list))
	for i, s := range list {
		out[i] = NewSecret(s, false)
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// CreateRequest is the body of a create: the type's JSON object and the
// groups to attach the new secret to.
type CreateRequest struct {
	Data   json.RawMessage `json:"data"`
	Groups []string        `json:"groups"`
}

// UpdateRequest is the body of an update. A secret field left out, or
// holding access.Mask, keeps its stored value.
type UpdateRequest struct {
	Data json.RawMessage `json:"data"`
}

// SharesRequest replaces the shares of a secret that the saver may see.
// With Loaded, the shares as the form loaded them, only what differs
// between Loaded and the request changes, so that shares others changed
// meanwhile survive.
type SharesRequest struct {
	Users  []access.UserShare `json:"users"`
	Groups []string           `json:"groups"`
	Loaded *access.Shares     `json:"loaded,omitempty"`
}

// ShareRequest gives one user a role.
type ShareRequest struct {
	Role access.Role `json:"role"`
}

// RestoreRequest names the version whose data becomes current again.
type RestoreRequest struct {
	From int64 `json:"from"`
}

// TransferRequest names the user who becomes the owner.
type TransferRequest struct {
	User string `json:"user"`
}

// DefaultRequest names the secret a group uses for a type.
type DefaultRequest struct {
	ID string `json:"id"`
}

// Version is one entry of a secret's history.
type Version struct {
	Version   int64     `json:"version"`
	Type      string    `json:"type"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

func newVersions(metas []kind.Meta) []Version {
	out := make([]Version, len(metas))
	for i, m := range metas {
		out[i] = Version{Version: m.Version, Type: m.Type, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
	}
	return out
}

// AuditEntry is one audit row as the API sends it.
type AuditEntry struct {
	ID       int64          `json:"id"`
	At       time.Time      `json:"at"`
	Actor    string         `json:"actor"`
	Action   access.Action  `json:"action"`
	SecretID string         `json:"secret"`
	Type     string         `json:"type"`
	Version  int64          `json:"version"`
	Outcome  access.Outcome `json:"outcome"`
	Detail   string         `json:"detail,omitempty"`
}

func newAudit(entries []access.AuditEntry) []AuditEntry {
	out := make([]AuditEntry, len(entries))
	for i, e := range entries {
		out[i] = AuditEntry(e)
	}
	return out
}

// Type is a secret type's presentation and form schema as the API sends
// it; Schema is the type's JSON Schema.
type Type struct {
	Name        string          `json:"name"`
	Title       string          `json:"title"`
	Description string          `json:"description,omitempty"`
	Logo        string          `json:"logo,omitempty"`
	Groups      []string        `json:"groups"`
	Fields      []Field         `json:"fields"`
	Schema      json.RawMessage `json:"schema,omitempty"`
}

// Field is one input of a type's form.
type Field struct {
	Key            string `json:"key"`
	Kind           string `json:"kind"`
	Label          string `json:"label"`
	SupportingText string `json:"supportingText,omitempty"`
	Value          string `json:"value,omitempty"`
	Style          string `json:"style,omitempty"`
	Rules          string `json:"rules,omitempty"`
	Required       bool   `json:"required"`
	Secret         bool   `json:"secret"`
}

// NewType converts t to its wire form, with the JSON Schema when
// withSchema is set.
func NewType(t kind.Type, withSchema bool) Type {
	out := Type{
		Name:        t.Name,
		Title:       t.Form.Title,
		Description: t.Form.Description,
		Logo:        t.Form.Logo,
		Groups:      nonNil(t.Groups),
		Fields:      make([]Field, len(t.Form.Fields)),
	}
	for i, f := range t.Form.Fields {
		out.Fields[i] = Field{
			Key:            f.Key,
			Kind:           f.Kind,
			Label:          f.Label,
			SupportingText: f.SupportingText,
			Value:          f.Default,
			Style:          f.Style,
			Rules:          f.Rules,
			Required:       f.Required,
			Secret:         f.Secret(),
		}
	}
	if withSchema && len(t.Schema) > 0 {
		out.Schema = json.RawMessage(t.Schema)
	}
	return out
}
