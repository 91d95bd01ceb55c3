# distroless :nonroot images run as uid 65532 without a USER of their own.
FROM gcr.io/distroless/static-debian12:nonroot
COPY app /app
