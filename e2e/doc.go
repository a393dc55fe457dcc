// Package e2e holds the tests that run the built app, as a person would
// meet it: the article's journey in the real window under Xvfb, driven
// with xdotool and checked against the portal; the window opening with
// something drawn; and the one-line exits without a display or OpenGL.
// Each test builds the app once (buildApp) with the go command and the
// tags it was given. Those that need a display skip outside make test,
// which promises one (PARTNERSECURITY_REQUIRE_DISPLAY) and fails them
// instead.
package e2e
