import Foundation

/// Control-plane key rotation, sent to every enrolled node's queue before the new key is used:
/// "trust `newKey` from now on; keep trusting `previousKey` until `previousValidUntil`". Signed by
/// `previousKey` (the key the node already trusts); a node refuses a hand-over it cannot verify.
public struct KeyHandover: Message {
    public static let messageType = "control.key_handover"

    public var newKey: String
    public var previousKey: String
    public var previousValidUntil: Date
    public var issuedAt: Date
    /// Base64 Ed25519 signature by `previousKey` over `signedText`.
    public var signature: String

    public init(newKey: String, previousKey: String, previousValidUntil: Date, issuedAt: Date, signature: String) {
        self.newKey = newKey
        self.previousKey = previousKey
        self.previousValidUntil = previousValidUntil.wholeMilliseconds
        self.issuedAt = issuedAt.wholeMilliseconds
        self.signature = signature
    }

    /// The exact text the signature covers. Times are whole epoch milliseconds (rounded), so the
    /// text is the same after the dates' JSON round trip.
    public static func signedText(newKey: String, previousValidUntil: Date, issuedAt: Date) -> String {
        func ms(_ d: Date) -> Int64 { Int64((d.timeIntervalSince1970 * 1000).rounded()) }
        return "coxswain-key-handover|\(newKey)|\(ms(previousValidUntil))|\(ms(issuedAt))"
    }
}

extension Date {
    /// This time cut to whole milliseconds: what survives the wire's ISO-8601 form unchanged, so a
    /// signature over it verifies on the other side.
    public var wholeMilliseconds: Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}
