import CoxswainCore
import Foundation

/// Finds the number a JSON body's decoding failed on. Foundation's decoder on Linux reports a
/// number that does not fit its field (`1e300` or `1.5` for an `Int`) as "not valid JSON", with
/// no path; this tries the body's suspicious numbers one by one (each replaced by 0) to name
/// the field in the 400.
enum NumberLocator {
    /// Bodies larger than this are not searched (each try decodes the body again).
    static let maximumBytes = 1 << 20
    /// At most this many numbers are tried.
    static let maximumTries = 32

    /// The path (`steps[0].artifacts[0].mode`) of the number that makes `data` fail to decode as
    /// `T`, or nil when none does (the JSON is malformed, or something else is wrong).
    static func unfitNumber<T: Decodable>(in data: Data, as type: T.Type) -> String? {
        guard data.count <= maximumBytes, let root = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        var suspects: [[PathComponent]] = []
        collect(root, at: [], into: &suspects)
        for path in suspects.prefix(maximumTries) {
            let patched = replacing(in: root, at: path[...], with: NSNumber(value: 0))
            guard let bytes = try? JSONSerialization.data(withJSONObject: patched, options: [.fragmentsAllowed]) else { continue }
            if (try? WireCoding.decoder().decode(T.self, from: bytes)) != nil { return render(path) }
        }
        return nil
    }

    enum PathComponent {
        case key(String)
        case index(Int)
    }

    /// Numbers that no whole-number field can hold: fractions and magnitudes from 2^63 up.
    static func isSuspect(_ number: NSNumber) -> Bool {
        if number is NSDecimalNumber { return true }
        let v = number.doubleValue
        return !(v.isFinite && v.rounded() == v && abs(v) < 9.2e18)
    }

    static func collect(_ value: Any, at path: [PathComponent], into suspects: inout [[PathComponent]]) {
        switch value {
        case let number as NSNumber:
            if isSuspect(number) { suspects.append(path) }
        case let array as [Any]:
            for (i, element) in array.enumerated() { collect(element, at: path + [.index(i)], into: &suspects) }
        case let object as [String: Any]:
            for key in object.keys.sorted() { collect(object[key]!, at: path + [.key(key)], into: &suspects) }
        default:
            break
        }
    }

    static func replacing(in value: Any, at path: ArraySlice<PathComponent>, with replacement: Any) -> Any {
        guard let first = path.first else { return replacement }
        switch (first, value) {
        case (.index(let i), var array as [Any]) where array.indices.contains(i):
            array[i] = replacing(in: array[i], at: path.dropFirst(), with: replacement)
            return array
        case (.key(let key), var object as [String: Any]):
            if let inner = object[key] { object[key] = replacing(in: inner, at: path.dropFirst(), with: replacement) }
            return object
        default:
            return value
        }
    }

    static func render(_ path: [PathComponent]) -> String {
        var out = ""
        for component in path {
            switch component {
            case .key(let key): out += out.isEmpty ? key : "." + key
            case .index(let i): out += "[\(i)]"
            }
        }
        return out.isEmpty ? "(body)" : out
    }
}
