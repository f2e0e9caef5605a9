# Teamfund: one static binary; data lives in /pb_data (mount a volume there).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /teamfund .

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /app teamfund \
    && mkdir -p /pb_data /app/pb_hooks && chown -R teamfund /pb_data /app
WORKDIR /app
COPY --from=build /teamfund /app/teamfund
COPY pb_hooks /app/pb_hooks
USER teamfund
EXPOSE 8080
CMD ["/app/teamfund", "serve", "--http", "0.0.0.0:8080", "--dir", "/pb_data"]
