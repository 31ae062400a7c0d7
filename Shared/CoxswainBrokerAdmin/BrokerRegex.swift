/// Regular expressions for RabbitMQ permissions, which the broker matches with Erlang's `re`
/// (PCRE), unanchored, against whole resource names and routing keys.
package enum BrokerRegex {
    /// `text` as a literal inside a pattern: every ASCII character other than a letter, a digit
    /// or `_` is preceded by a backslash. In PCRE a backslash before a non-alphanumeric
    /// character always means that character itself, so this is safe for every metacharacter
    /// (`. * + ? ^ $ | ( ) [ ] { } \ -`…); escaping `{` and `}` also keeps RabbitMQ from
    /// expanding `{username}`, `{vhost}` or `{client_id}` in topic permission patterns.
    /// Non-ASCII characters are left as they are (they match themselves byte for byte).
    package static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count * 2)
        for scalar in text.unicodeScalars {
            if scalar.isASCII && !(scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_") {
                result.unicodeScalars.append("\\")
            }
            result.unicodeScalars.append(scalar)
        }
        return result
    }

    /// A pattern matching exactly `name` (`^escaped$`).
    package static func exactly(_ name: String) -> String { "^\(escape(name))$" }

    /// A pattern matching every string that starts with `prefix` (`^escaped`).
    package static func prefix(_ prefix: String) -> String { "^\(escape(prefix))" }

    /// The pattern that matches no resource name RabbitMQ allows (only the empty string):
    /// the way to grant nothing.
    package static let nothing = "^$"
}
