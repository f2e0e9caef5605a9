// Package pb_migrations holds Teamfund's schema as Go migrations, applied on start.
package pb_migrations
