package access

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/secretgen/secretgen/runtime/kind"
)

// Role is what a user may do with a secret shared with them.
type Role string

// The roles, from most to least powerful.
const (
	Owner  Role = "owner"  // read, change, share, delete
	Editor Role = "editor" // read and change
	Viewer Role = "viewer" // read; secret fields masked unless revealed
)

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool {
	return r == Owner || r == Editor || r == Viewer
}

// Subject is who acts in a request: a person, or a system acting for one.
// The platform builds it for every request from its own authentication.
type Subject struct {
	UserID      string
	Groups      []string // group ids; re-read at each request when the service has a Membership
	Permissions []string // e.g. "admin"
}

// Can reports whether the subject holds the permission.
func (s Subject) Can(permission string) bool {
	for _, p := range s.Permissions {
		if p == permission {
			return true
		}
	}
	return false
}

// Membership reads a user's groups at the moment of a request, so that
// leaving a group ends access at once.
type Membership interface {
	GroupsOf(ctx context.Context, userID string) ([]string, error)
}

// UserShare gives one user a role on a secret.
type UserShare struct {
	UserID string `json:"user"`
	Role   Role   `json:"role"`
}

// Secret is one secret as a subject may see it.
type Secret struct {
	kind.Meta
	// Name is the credential's GetName, taken from the decrypted payload.
	Name string
	// Payload is the canonical JSON of the credentials. For a subject who
	// may not see secret fields, those keys hold Mask.
	Payload []byte
	// Masked reports whether secret fields were replaced by Mask.
	Masked bool
	// Unreadable says, in lists, why the stored payload does not read
	// with the type as registered now (the type is gone, a field was
	// retyped); Name and Payload are empty then. It never holds a value.
	Unreadable string
	// Role is the subject's own role; empty when access comes through a
	// group only.
	Role Role
	// Users and Groups are the shares the subject may see; only owners
	// see them all.
	Users  []UserShare
	Groups []string
}

// Mask stands in for the value of a secret field that the subject may not
// see. Sent back unchanged in an update, it keeps the stored value.
const Mask = "••••••••"

// MatchQuery asks for the one secret a system should use.
type MatchQuery struct {
	Type   string // variant name, required
	Group  string // group id; empty means any group the subject is in
	Hint   string // a secret id or name that wins when it matches
	Expect bool   // whether finding nothing is an error
	// Masked asks for the answer a person may get rather than a system:
	// fields styled secret hold Mask, and the lookup is audited. Group
	// shares are for systems; a person who needs a value needs a user
	// share and an audited Reveal. The HTTP API always sets it.
	Masked bool
}

// Action names what happened to a secret, in audit rows and events.
type Action string

// The audited actions.
const (
	ActionCreated      Action = "created"
	ActionUpdated      Action = "updated"
	ActionDeleted      Action = "deleted"
	ActionRestored     Action = "restored"
	ActionShared       Action = "shared"
	ActionUnshared     Action = "unshared"
	ActionGroupAdded   Action = "group_added"
	ActionGroupRemoved Action = "group_removed"
	ActionRevealed     Action = "revealed"
	ActionTransferred  Action = "transferred"
	ActionUsed         Action = "used"
	ActionDefaultSet   Action = "default_set"
	ActionAuditRead    Action = "audit_read"
)

// Outcome says whether an audited attempt succeeded.
type Outcome string

// The outcomes.
const (
	Allowed Outcome = "allowed"
	Refused Outcome = "refused"
)

// AuditEntry is one audit row. It never holds a value.
type AuditEntry struct {
	ID       int64
	At       time.Time
	Actor    string // user id
	Action   Action
	SecretID string
	Type     string
	Version  int64
	Outcome  Outcome
	Detail   string // e.g. the user or group shared with; never a value
}

// Event reaches subscribers after the transaction that caused it commits.
type Event struct {
	Action   Action
	Actor    string
	SecretID string
	Type     string
	Version  int64
}

// ErrForbidden is returned, wrapped with context, when the subject may not
// do what it asked. Match with errors.Is.
var ErrForbidden = errors.New("forbidden")

// InvalidError refuses share input before anything changes: an empty or
// unknown user id, a user or a group listed twice, an empty group id, a
// role that is not one of the three. It never holds a value.
type InvalidError struct {
	UserID  string // the user the input names; "" when it names none
	GroupID string // the group the input names; "" when it names none
	// Key is the input a group error is about, as Shares names it in
	// JSON: "groups", or "loaded.groups" for SaveSharesFrom's loaded
	// shares. It is "" when the error is about a user.
	Key    string
	Rule   string // "required", "exists", "unique" or "oneof"
	Reason string // for people
}

// Error names the user or the group and what is wrong.
func (e *InvalidError) Error() string {
	switch {
	case e.UserID != "":
		return fmt.Sprintf("user %q: %s", e.UserID, e.Reason)
	case e.GroupID != "":
		return fmt.Sprintf("group %q: %s", e.GroupID, e.Reason)
	}
	return e.Reason
}

// UnreadableError says that a stored secret does not read with its type
// as registered now: the type is no longer registered, or a field was
// retyped. Reason names the key, never the value. Lists do not fail on
// it: they carry the secret with Secret.Unreadable set instead.
type UnreadableError struct {
	ID     string
	Type   string
	Reason string // e.g. `decode Jira: key "port": want a number`
	// Secret is what the subject may still see of it, when the subject
	// may see it at all: metadata, role, shares, and Reason in
	// Unreadable; never a payload.
	Secret Secret
}

// Error names the secret, its type and the reason.
func (e *UnreadableError) Error() string {
	return fmt.Sprintf("access: stored secret %q does not read as type %s: %s", e.ID, e.Type, e.Reason)
}

// AmbiguousError is returned by Match when several secrets fit and neither a
// hint nor a default decides.
type AmbiguousError struct {
	Type       string
	Group      string // "" when Match searched every group of the caller
	Candidates []Candidate
}

// Candidate names one secret that could have matched.
type Candidate struct {
	ID   string
	Name string
}

// Error names every candidate.
func (e *AmbiguousError) Error() string {
	names := make([]string, len(e.Candidates))
	for i, c := range e.Candidates {
		names[i] = fmt.Sprintf("%q (%s)", c.Name, c.ID)
	}
	where := fmt.Sprintf("group %q", e.Group)
	if e.Group == "" {
		where = "the groups of the caller"
	}
	return fmt.Sprintf("%d %s secrets in %s and no hint or default: %s",
		len(e.Candidates), e.Type, where, strings.Join(names, ", "))
}
