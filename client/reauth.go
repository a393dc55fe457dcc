package client

// Reauth is full re-authentication for a change of the second factor (or,
// for the help desk, of another account) when the sign-in is older than 10
// minutes: the password and a current authenticator code, sent in the
// body of the call. Both are secret; the zero value sends neither (the
// portal then answers ErrReauthRequired when it needs them).
type Reauth struct {
	Password string
	Code     string
}

// String leaves the secrets out.
func (r Reauth) String() string { return "reauth{[redacted]}" }
