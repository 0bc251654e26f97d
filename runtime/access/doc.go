// Package access decides who may use which secret, and records it.
//
// A Service sits on the encrypted store: it creates, changes and deletes
// secrets for a Subject, shares them with users (owner, editor, viewer)
// and attaches them to groups, so that systems acting for a group's
// members can find them. Every change, share, reveal and refused attempt
// writes an audit row; events reach subscribers after commit.
//
//	svc, err := access.New(ctx, access.Config{
//		Store:      st,                       // *store.Store
//		Registry:   generated.Registry(),
//		Membership: dir,                      // read at each request
//		GroupID:    groupIDByName,            // "system" -> its group id
//		UserExists: userExists,               // shares to unknown ids refused
//	})
//	alice := access.Subject{UserID: aliceID}
//	smtp, err := svc.Create(ctx, alice, "SMTP", payload, nil) // attached to system
//
//	// The mail system, acting for alice, finds the server of group system:
//	server, err := access.MatchCredentials[secret.SMTP](ctx, svc, alice,
//		access.MatchQuery{Group: systemID, Expect: true})
//
// Viewers get fields styled secret as Mask unless they Reveal, which is
// audited. Group shares are for systems: a person looking up a group's
// secret sets MatchQuery.Masked and gets Mask too, on record. Sending
// Mask (or leaving the key out) in an Update keeps the stored value; a
// Create refuses it, since it stands for a value and is none.
// Updates and deletes carry the version they change; a stale one matches
// kind.ErrConflict; a share dialog saves with SaveSharesFrom, which keeps
// what others changed meanwhile. Refusals match ErrForbidden; bad share
// input, such as an id that names no user, is an *InvalidError.
//
// Stored payloads are read through the type's codec, so a key the type no
// longer has never leaves. A secret that no longer reads (its type gone, a
// field retyped) is an *UnreadableError alone, and flagged with
// Secret.Unreadable in lists, which keep the others.
//
// The service keeps its tables, prefixed acl_, in the store's database.
// Lookups by group and type are indexed queries joined to the store's
// secrets by id, so only the secrets they return are decrypted.
package access
