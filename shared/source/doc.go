// Package source obtains the trees and diffs a scan works on without trusting them: it compares a
// git work tree with a revision, materialises a revision's files through `git archive` rather
// than a checkout (the user's repository is only ever read), and extracts tar archives — the
// CLI's exports and the App's GitHub tarballs — under limits, refusing any entry that tries to
// leave the destination and never creating links.
package source
