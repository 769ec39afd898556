# iblfake container image: a static, CGO-free binary on distroless (no shell,
# no package manager), running as a non-root user.
#
#   docker build -t iblfake .
#   docker run --rm -p 8080:8080 iblfake
#
# image_test.go builds the binary with the flags of the "go build" line below
# and runs it in an empty root filesystem, so keep that command on one line.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/iblfake .
# /data belongs to the non-root user, so --db can create its file there.
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/iblfake /iblfake
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV IBLFAKE_ADDR=:8080
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=3 CMD ["/iblfake", "--healthcheck"]
ENTRYPOINT ["/iblfake"]
