package secret

import "github.com/secretgen/secretgen/enum"

var _ = enum.Variant[Credentials, Jira]()

// Jira is an API token for a Jira Cloud instance.
type Jira struct {
	Name  string `value:"My Jira instance" validate:"required"`
	EMail string `label:"E-mail" validate:"required,email"`
	Token string `style:"secret" validate:"required"`
	_     string `credentialName:"Jira API" credentialDescription:"E-mail and API token to connect a Jira Cloud instance." credentialLogo:"https://wac-cdn.atlassian.com/assets/img/favicons/atlassian/mstile-144x144.png"`
}

// Credentials marks Jira as a credential.
func (Jira) Credentials() bool { return true }

// GetName returns the name of the Jira entry.
func (j Jira) GetName() string { return j.Name }

// IsZero reports whether no field is set.
func (j Jira) IsZero() bool { return j == Jira{} }
