package app

var (
	greeting, token = "héllo wörld", "tok_EXAMPLE_not_a_real_token"
)
