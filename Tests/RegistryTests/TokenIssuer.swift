import Crypto
import Foundation

/// Issues the ES256 JWTs Distribution's `auth: token` accepts: header `kid` = libtrust key ID of
/// the signing key (whose certificate is the registry's `rootcertbundle`), claims iss, sub, aud,
/// exp, nbf, iat, jti and `access` (the requested scopes, all granted).
struct TokenIssuer: Sendable {
    let key: P256.Signing.PrivateKey
    let issuer: String
    let service: String

    /// libtrust's key ID: base32 of the first 30 bytes of SHA-256 of the DER SubjectPublicKeyInfo,
    /// in groups of 4 joined by `:` (`ABCD:EFGH:…`, 12 groups).
    var keyID: String {
        let digest = Array(SHA256.hash(data: key.publicKey.derRepresentation)).prefix(30)
        let encoded = Self.base32(Array(digest))
        return stride(from: 0, to: encoded.count, by: 4).map { offset in
            let start = encoded.index(encoded.startIndex, offsetBy: offset)
            return String(encoded[start..<encoded.index(start, offsetBy: 4)])
        }.joined(separator: ":")
    }

    /// A token for `subject` granting every scope in `scopes` (`repository:demo/x:pull,push`, `registry:catalog:*`).
    func token(subject: String, scopes: [String], lifetime: TimeInterval = 300) throws -> String {
        let now = Int(Date().timeIntervalSince1970)
        let access: [[String: Any]] = scopes.compactMap { scope in
            // type:name:actions, where the name may itself contain `:` (host:port/name).
            guard let first = scope.firstIndex(of: ":"), let last = scope.lastIndex(of: ":"), first < last else { return nil }
            let name = String(scope[scope.index(after: first)..<last])
            let actions = scope[scope.index(after: last)...].split(separator: ",").map(String.init)
            return ["type": String(scope[..<first]), "name": name, "actions": actions]
        }
        let header: [String: Any] = ["typ": "JWT", "alg": "ES256", "kid": keyID]
        let claims: [String: Any] = [
            "iss": issuer, "sub": subject, "aud": service, "exp": now + Int(lifetime), "nbf": now - 10, "iat": now,
            "jti": UUID().uuidString, "access": access,
        ]
        let signingInput =
            Self.base64URL(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) + "."
            + Self.base64URL(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        let signature = try key.signature(for: Data(signingInput.utf8))
        return signingInput + "." + Self.base64URL(signature.rawRepresentation)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// RFC 4648 base32 (uppercase, padding omitted: 30 bytes encode to exactly 48 characters).
    static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var output = ""
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return output
    }
}
