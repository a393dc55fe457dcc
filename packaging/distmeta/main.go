// Command distmeta gives the packaging scripts what they need from the
// repository in a form a shell can use: the app's name, ID and version read
// from FyneApp.toml (the one version source), the hicolor icon set and the
// Windows icon drawn from the app icon, name-based GUIDs for the MSI, and
// the options section of the man page.
//
// Usage:
//
//	distmeta env [-toml FyneApp.toml]         shell assignments APP_NAME=… (eval them)
//	distmeta icons -src Icon.png -out DIR -name ID
//	                                          DIR/NxN/apps/ID.png for each hicolor size
//	distmeta ico -src Icon.png -out app.ico  a Windows icon with the sizes Windows uses
//	distmeta guid NAMESPACE-GUID NAME…        a name-based (version 5) GUID
//	distmeta manoptions < usage               the OPTIONS of a man page (roff) from `app -h`
//
// It is run with `go run ./packaging/distmeta` from the repository root.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "distmeta:", err)
		os.Exit(1)
	}
}

// errUsage is returned for a missing or unknown subcommand.
var errUsage = errors.New("usage: distmeta env|icons|ico|guid|manoptions … (see the package comment)")

// run executes one subcommand with its arguments, reading in (manoptions)
// and writing its result to out.
func run(args []string, in io.Reader, out io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	fs := flag.NewFlagSet("distmeta "+args[0], flag.ContinueOnError)
	switch args[0] {
	case "env":
		tomlPath := fs.String("toml", "FyneApp.toml", "the app metadata file")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		info, err := loadAppInfo(*tomlPath)
		if err != nil {
			return err
		}
		return writeEnv(out, info)
	case "icons":
		src := fs.String("src", "assets/Icon.png", "the square PNG to scale")
		dir := fs.String("out", "", "the hicolor theme directory to write into")
		name := fs.String("name", "", "the icon name (the app ID)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *dir == "" || *name == "" {
			return errors.New("icons needs -out and -name")
		}
		return writeHicolorIcons(*src, *dir, *name)
	case "ico":
		src := fs.String("src", "assets/Icon.png", "the square PNG to scale")
		out := fs.String("out", "", "the .ico file to write")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *out == "" {
			return errors.New("ico needs -out")
		}
		return writeICO(*src, *out)
	case "guid":
		if len(args) < 3 {
			return errors.New("guid needs a namespace GUID and a name")
		}
		g, err := nameGUID(args[1], args[2:]...)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(out, g)
		return err
	case "manoptions":
		return writeManOptions(in, out)
	default:
		return errUsage
	}
}
