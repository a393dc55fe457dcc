// Command partnersecurity is the Partner Security desktop application: it walks
// a partner-portal user through turning on two-factor authentication.
//
// main is the composition root: it reads the flags, creates the Fyne app and
// wires configuration, the portal client, the session store and the screens.
package main

import (
	"flag"
	"fmt"
	"log"
	"log/slog"
	"os"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/partnersecurity/partnersecurity/assets"
	"github.com/partnersecurity/partnersecurity/client"
	"github.com/partnersecurity/partnersecurity/session"
	"github.com/partnersecurity/partnersecurity/ui"
)

func main() { os.Exit(run()) }

// run is the app; it returns the exit status once the window is closed, so
// that its deferred clean-up runs first.
func run() int {
	resumeGC := pauseGCForStartup()
	demo := flag.Bool("demo", false, "run against a demo portal inside the app, with a demo account")
	demoSMTP := flag.String("demo-smtp", "", "with -demo: mail relay `HOST:PORT` on this computer for the demo portal's notification emails")
	guide := flag.Bool("guide", false, "start in guide mode, for help-desk staff on a call")
	caFile := flag.String("ca-file", "", "PEM `file` of extra certificate authorities, for a branded portal on a private CA")
	verbose := flag.Bool("v", false, "log each request (never a password, token, secret or code) to standard error")
	flag.Parse()

	info, err := loadAppInfo()
	if err != nil {
		log.Fatal(err)
	}
	if err := checkDisplay(runtime.GOOS, os.Getenv); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", info.Name, err)
		return 1
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	a := app.NewWithID(info.ID)
	// The window's icon: 64×64 is as large as a title bar, task bar or
	// window switcher shows it (docks and menus take the installed icon),
	// and GLFW decodes it and sends it to the display before the window is
	// mapped: the 512×512 one cost about 10 ms there (9 interleaved
	// launches each: mapped at 93 against 105 ms).
	a.SetIcon(assets.SmallIcon)
	a.Settings().SetTheme(ui.Theme())
	// What runs once the first frame is drawn.
	onStarted := []func(){resumeGC}

	var demoInfo *ui.Demo
	if *demo {
		d, err := listenDemoPortal(*demoSMTP)
		if err != nil {
			log.Fatal(err)
		}
		defer d.stop()
		demoInfo = &d.info
		// Like cmd/portal -demo: say where the demo portal is and how to sign in.
		fmt.Fprintf(os.Stderr, "Demo portal: %s  username %s  password %s\n", d.info.Address, d.info.Username, d.info.Password)
		// The database and the demo account's password hash (argon2id,
		// 19 MiB) wait for the first frame instead of competing with the
		// window for the cores: the window is mapped about 60 ms sooner on
		// two (7 interleaved launches each, 105 against 166 ms). The first
		// request comes when the person signs in, long after.
		onStarted = append(onStarted, func() { d.open(logger.With("component", "demo-portal")) })
	}
	a.Lifecycle().SetOnStarted(func() {
		for _, f := range onStarted {
			f()
		}
	})
	w, err := newWindow(a, info.Name)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", info.Name, err)
		return 1
	}
	w.Resize(fyne.NewSize(860, 680))
	u := ui.New(ui.Config{
		App:    a,
		Window: w,
		Connect: func(address string) (*client.Client, error) {
			return client.New(client.Options{Address: address, Version: info.Version, CAFile: *caFile, Logger: logger})
		},
		Store:         session.NewKeyring(info.ID),
		Version:       info.Version,
		Build:         info.Build,
		DefaultPortal: client.DefaultAddress,
		Demo:          demoInfo,
		Guide:         *guide,
		Logger:        logger,
	})
	u.Start()
	stop := quitOnSignal(a)
	w.Show()
	defer u.Close()
	defer stop()
	if !windowCreated(w) {
		fmt.Fprintf(os.Stderr, "%s: could not open the window: the graphics driver gave it no OpenGL 2.1 context (the error above says more)\n", info.Name)
		return 1
	}
	a.Run()
	return 0
}
