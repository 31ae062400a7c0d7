/// The exchange types Coxswain uses.
package enum ExchangeKind: String, Sendable {
    /// Routes on an exact routing-key match (commands).
    case direct
    /// Routes on routing-key patterns with `*` and `#` (events).
    case topic
    /// Routes to every bound queue (dead letters).
    case fanout
}
