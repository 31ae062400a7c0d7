import CoxswainCrypto
import Foundation
import Testing

@Suite("Argon2id password hashing", .serialized)
struct PasswordHasherTests {
    @Test("a hash is an Argon2id string with the interactive parameters and a random salt")
    func format() async throws {
        let hash = try await PasswordHasher.hash("correct horse battery staple")
        #expect(hash.hasPrefix("$argon2id$"))
        #expect(hash.contains("m=65536,t=2,p=1"))
        #expect(try await PasswordHasher.hash("correct horse battery staple") != hash)
    }

    @Test("verify accepts the right password and refuses wrong ones and malformed hashes")
    func verify() async throws {
        let hash = try await PasswordHasher.hash("correct horse battery staple")
        #expect(await PasswordHasher.verify("correct horse battery staple", hash: hash))
        #expect(await !PasswordHasher.verify("correct horse battery stapler", hash: hash))
        #expect(await !PasswordHasher.verify("", hash: hash))
        #expect(await !PasswordHasher.verify("correct horse battery staple", hash: "not a hash"))
        #expect(await !PasswordHasher.verify("correct horse battery staple", hash: ""))
        #expect(await !PasswordHasher.verify("correct horse battery staple", hash: String(hash.dropLast(2))))
    }

    @Test("empty and non-ASCII passwords hash and verify")
    func unusualPasswords() async throws {
        for password in ["", "pässwörd 🔑", String(repeating: "x", count: 4096)] {
            let hash = try await PasswordHasher.hash(password)
            #expect(await PasswordHasher.verify(password, hash: hash))
        }
        let unicode = try await PasswordHasher.hash("pässwörd")
        // Different Unicode normalisation is a different password (bytes are hashed as given).
        #expect(await !PasswordHasher.verify("pa\u{0308}sswo\u{0308}rd", hash: unicode))
    }

    @Test("needsRehash is false for the current parameters and true for other strengths, algorithms and garbage")
    func needsRehash() async throws {
        let interactive = try await PasswordHasher.hash("pw")
        #expect(!PasswordHasher.needsRehash(interactive))
        #expect(PasswordHasher.needsRehash(interactive, strength: .moderate))
        #expect(PasswordHasher.needsRehash("$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"))
        #expect(PasswordHasher.needsRehash("$2b$12$abcdefghijklmnopqrstuv"))
        #expect(PasswordHasher.needsRehash(""))
    }

    @Test("hashing runs off the cooperative pool: a pool task runs while more hashes than cores are in flight")
    func offThePool() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let hashes = ProcessInfo.processInfo.activeProcessorCount + 2
        let (probe, firstHashDone) = try await withThrowingTaskGroup(of: (isProbe: Bool, at: Duration).self) { group in
            for _ in 0..<hashes {
                group.addTask {
                    _ = try await PasswordHasher.hash("pw")
                    return (false, clock.now - start)
                }
            }
            // If the hashes blocked the pool's threads, this task could not start until one finished.
            group.addTask { (true, clock.now - start) }
            var probe: Duration?
            var firstHashDone: Duration?
            for try await result in group {
                if result.isProbe { probe = result.at } else { firstHashDone = min(firstHashDone ?? result.at, result.at) }
            }
            return (probe!, firstHashDone!)
        }
        print("argon2id off-pool check: probe ran after \(probe), first of \(hashes) concurrent hashes done after \(firstHashDone)")
        #expect(probe < firstHashDone)
    }

    @Test("measurement: time to hash and verify (printed)")
    func measure() async throws {
        let clock = ContinuousClock()
        for strength in PasswordHasher.Strength.allCases {
            let rounds = strength == .interactive ? 3 : 1
            for round in 1...rounds {
                var hash = ""
                let hashTime = try await clock.measure { hash = try await PasswordHasher.hash("correct horse battery staple", strength: strength) }
                var ok = false
                let verifyTime = await clock.measure { ok = await PasswordHasher.verify("correct horse battery staple", hash: hash) }
                #expect(ok)
                print("argon2id \(strength) round \(round): hash \(hashTime), verify \(verifyTime) (\(hash.prefix(30))...)")
            }
        }
    }
}
