// The benchmark corpus: a module of its own so that the repository's build, vet and tests leave
// its deliberately vulnerable code alone. Third-party APIs are minimal local stubs, so neither
// tool needs the network.
module example.com/corpus

go 1.22

require (
	github.com/aws/aws-sdk-go-v2/credentials v1.0.0
	github.com/golang-jwt/jwt/v5 v5.0.0
	github.com/rs/cors v1.0.0
)

replace (
	github.com/aws/aws-sdk-go-v2/credentials => ./stubs/awscreds
	github.com/golang-jwt/jwt/v5 => ./stubs/jwt
	github.com/rs/cors => ./stubs/cors
)
