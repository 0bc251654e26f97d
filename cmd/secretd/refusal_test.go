package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestRestoreWithoutAVersionToRestoreSaysSo(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	c := d.client()
	c.login("admin", adminPassword)
	id := createSMTP(t, c, "office")

	for _, from := range []string{"", "x", "0"} {
		res := c.post("/secrets/"+id+"/restore", url.Values{csrfField: {c.csrf("/")}, "version": {"1"}, "from": {from}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "does not say which version to restore") {
			t.Errorf("from=%q: status %d, want 400 saying which version is missing\n%s", from, res.status, res.body)
		}
	}
}
