// Package githubapp talks to GitHub as a GitHub App: webhook signatures, app (JWT) and
// installation clients, and the narrow operations the App's jobs need, with retries that honour
// GitHub's rate limits.
package githubapp
