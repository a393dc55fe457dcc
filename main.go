// Command partnersecurity is the Partner Security desktop application: it walks
// a partner-portal user through turning on two-factor authentication.
//
// main is the composition root: it reads the flags, creates the Fyne app and
// wires configuration, the portal client, the session store and the screens.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/partnersecurity/partnersecurity/assets"
	"github.com/partnersecurity/partnersecurity/client"
	"github.com/partnersecurity/partnersecurity/internal/glwindow"
	"github.com/partnersecurity/partnersecurity/session"
	"github.com/partnersecurity/partnersecurity/ui"
)

func main() {
	code, retry := run()
	if retry {
		// The deferred clean-up of run has been done: start afresh on GLX.
		if err := restartWithGLX(); err != nil {
			fmt.Fprintf(os.Stderr, "Partner Security: could not start again with GLX: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

// run is the app: it returns the exit status, and whether to start again
// on GLX because the window could not be created through EGL.
func run() (code int, retryWithGLX bool) {
	resumeGC := pauseGCForStartup()
	demo := flag.Bool("demo", false, "run against a demo portal inside the app, with a demo account")
	guide := flag.Bool("guide", false, "start in guide mode, for help-desk staff on a call")
	caFile := flag.String("ca-file", "", "PEM `file` of extra certificate authorities, for a branded portal on a private CA")
	verbose := flag.Bool("v", false, "log each request (never a password, token, secret or code) to standard error")
	flag.Parse()

	info, err := loadAppInfo()
	if err != nil {
		log.Fatal(err)
	}
	if err := glwindow.CheckDisplay(); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", info.Name, err)
		return 1, false
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	a := app.NewWithID(info.ID)
	a.SetIcon(assets.Icon)
	a.Settings().SetTheme(ui.Theme())
	// What runs once the first frame is drawn.
	onStarted := []func(){resumeGC}

	var demoInfo *ui.Demo
	if *demo {
		d, err := listenDemoPortal()
		if err != nil {
			log.Fatal(err)
		}
		defer d.stop()
		demoInfo = &d.info
		// Like cmd/portal -demo: say where the demo portal is and how to sign in.
		fmt.Fprintf(os.Stderr, "Demo portal: %s  username %s  password %s\n", d.info.Address, d.info.Username, d.info.Password)
		// The database and the demo account's password hash (argon2id,
		// 19 MiB) wait for the first frame instead of competing with the
		// window for the cores: the window comes about 90 ms sooner on
		// two (make bench's -demo row). The first request comes when the
		// person signs in, long after.
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
		return 1, false
	}
	// GLFW has opened the display: OpenGL is set up for it on the other
	// core while the screens are built, through EGL where the display's
	// driver offers it, for a window with no depth or stencil buffer
	// (package glwindow says why). PARTNERSECURITY_GL=glx keeps to GLX,
	// should some driver or X server not get on with EGL.
	preferGL := glwindow.EGL
	if os.Getenv(glEnv) == "glx" {
		preferGL = glwindow.GLX
	}
	glSetUp := glwindow.Prewarm(preferGL)
	glwindow.NoDepthStencil()
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
	// Ctrl+C or a kill ends the app as closing the window does, so that the
	// deferred clean-up (the demo portal's database) runs.
	stop := quitOnSignal(a)
	// The set-up must finish before the window is shown: the window's
	// context is created through the API it set up, and the app must not
	// quit and close the display under it. Waiting costs nothing: GLFW
	// would do the same work.
	gl := <-glSetUp
	gl.Use()
	logger.Debug("OpenGL set up", "api", gl.API, "configs", gl.Configs)
	w.Show()
	defer u.Close()
	defer stop()
	if !windowCreated(w) {
		if gl.API == glwindow.EGL {
			fmt.Fprintf(os.Stderr, "%s: the window could not be created through EGL; starting again with GLX (%s=glx)\n", info.Name, glEnv)
			return 0, true
		}
		fmt.Fprintf(os.Stderr, "%s: could not open the window: the graphics driver gave it no OpenGL 2.1 context (%v; the error above says more)\n", info.Name, gl)
		return 1, false
	}
	a.Run()
	return 0, false
}

// newWindow creates the app's window. Fyne starts GLFW with the first
// window, and GLFW panics when the display named in DISPLAY can't be
// opened (a stale DISPLAY over SSH, say): that becomes an error for a
// person to read, not a stack trace.
func newWindow(a fyne.App, title string) (w fyne.Window, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("could not open a window on the display (%v)", r)
		}
	}()
	return a.NewWindow(title), nil
}

// quitOnSignal quits the app on SIGINT or SIGTERM, until stop is called.
func quitOnSignal(a fyne.App) (stop func()) {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			fyne.Do(a.Quit)
		case <-done:
		}
	}()
	return func() {
		close(done)
		cancel()
	}
}
