import CoxswainCrypto
import Foundation
import Testing

@Suite("Tokens")
struct TokensTests {
    @Test("a token is the prefix plus 43 base64url characters of 32 random bytes")
    func format() throws {
        let token = Tokens.generate(prefix: "cxt_")
        #expect(token.hasPrefix("cxt_"))
        let body = token.dropFirst(4)
        #expect(body.count == 43)
        #expect(body.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        #expect(!body.contains("="))
        var base64 = body.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += "="
        #expect(Data(base64Encoded: base64)?.count == 32)
        #expect(Tokens.generate().hasPrefix(Tokens.defaultPrefix))
        #expect(Tokens.generate(prefix: "cxa_").hasPrefix("cxa_"))
    }

    @Test("generated tokens are unique")
    func uniqueness() {
        let tokens = (0..<1000).map { _ in Tokens.generate(prefix: "cxt_") }
        #expect(Set(tokens).count == tokens.count)
    }

    @Test("a token's hash is 64 lower-case hex characters, stable, and BLAKE2b-256")
    func hash() {
        let token = Tokens.generate(prefix: "cxt_")
        let hash = Tokens.hash(token)
        #expect(hash.count == 64)
        #expect(hash.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(Tokens.hash(token) == hash)
        #expect(Tokens.hash(token + "x") != hash)
        // Known answer: BLAKE2b-256("abc"), RFC 7693 parameters with a 32-byte digest.
        #expect(Tokens.hash("abc") == "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319")
        #expect(Tokens.hash("") == "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8")
    }

    @Test("constant-time equality compares bytes and lengths")
    func equality() {
        #expect(Tokens.equal([1, 2, 3], [1, 2, 3]))
        #expect(!Tokens.equal([1, 2, 3], [1, 2, 4]))
        #expect(!Tokens.equal([1, 2, 3], [1, 2]))
        #expect(Tokens.equal([], []))
        let hash = Tokens.hash("cxt_example")
        #expect(Tokens.equal(hash, Tokens.hash("cxt_example")))
        #expect(!Tokens.equal(hash, Tokens.hash("cxt_exampl")))
    }
}
