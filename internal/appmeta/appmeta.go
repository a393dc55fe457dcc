// Package appmeta reads FyneApp.toml, the one source of the app's name, ID,
// version and build, for the app itself (from its embedded copy) and for
// the packaging scripts (packaging/distmeta).
package appmeta

import (
	"fmt"

	"github.com/BurntSushi/toml"
)

// Info is what FyneApp.toml says about the app.
type Info struct {
	Website string
	Details Details
}

// Details is the [Details] section.
type Details struct {
	Name    string
	ID      string
	Version string
	Build   int
}

// Parse reads the content of FyneApp.toml and checks that [Details] has a
// Name, an ID and a Version.
func Parse(data []byte) (Info, error) {
	var info Info
	if err := toml.Unmarshal(data, &info); err != nil {
		return Info{}, err
	}
	if d := info.Details; d.Name == "" || d.ID == "" || d.Version == "" {
		return Info{}, fmt.Errorf("[Details] needs Name, ID and Version")
	}
	return info, nil
}
