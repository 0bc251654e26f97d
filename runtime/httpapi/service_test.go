package httpapi

import "github.com/secretgen/secretgen/runtime/access"

// The API serves the real access layer.
var _ Service = (*access.Service)(nil)
