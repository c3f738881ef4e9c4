package identity

// Keys exposes the package's message keys to the catalog test.
var Keys = keys
