extension Migration {
    /// Webhook URLs are secrets (Slack and Discord put the credential in the URL): stored sealed with
    /// the master key. Deliveries carry the event they deliver.
    static let m003Notifications = Migration(
        version: 3,
        name: "notification-secrets",
        statements: [
            "ALTER TABLE notification_subscriptions ADD COLUMN url_sealed bytea",
            "ALTER TABLE notification_subscriptions ADD COLUMN url_display text NOT NULL DEFAULT ''",
            "ALTER TABLE notification_subscriptions ALTER COLUMN url DROP NOT NULL",
            "ALTER TABLE notification_deliveries ADD COLUMN event_type text NOT NULL DEFAULT ''",
            "ALTER TABLE notification_deliveries ADD COLUMN event text NOT NULL DEFAULT '{}'",
            "ALTER TABLE notification_deliveries ADD COLUMN last_status int",
            "CREATE INDEX notification_deliveries_due ON notification_deliveries (next_attempt_at) WHERE status = 'pending'",
        ]
    )
}
