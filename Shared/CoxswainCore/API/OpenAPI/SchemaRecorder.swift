import Foundation

/// Derives the JSON Schema of a `Decodable` type from the type itself, so that a schema cannot
/// drift from the code that reads the JSON: it runs the type's own `init(from:)` against a decoder
/// that answers with placeholders and records what it was asked for — the keys, their types, and
/// whether each was read with `decodeIfPresent` (optional) or `decode` (required).
///
/// Nested `Decodable` types are recorded in turn; a type read through a keyed container becomes a
/// named component (`#/components/schemas/<Name>`) referenced with `$ref`, so shared and recursive
/// types are written once. Arrays and sets become `array`, dictionaries `object` with
/// `additionalProperties`, `CaseIterable` raw-value enums an `enum` of their raw values, `Date` an
/// ISO-8601 `date-time` string (the API's `WireCoding`), `UUID` a `uuid` string. A wrapper that
/// reads a single value (`JobID`, `NodeName`) is inlined as that value's schema.
///
/// What a type's code decides at run time — a tagged object whose keys depend on a `kind` — cannot
/// be seen by running it once: such types are described by hand (`override(_:name:schema:example:)`).
public final class SchemaRecorder {
    /// The object schemas recorded so far, by component name.
    public private(set) var components: [String: JSONValue] = [:]
    /// Where references point: `#/components/schemas/` for OpenAPI.
    public let referencePrefix: String
    private var names: [ObjectIdentifier: String] = [:]
    private var takenNames: [String: ObjectIdentifier] = [:]
    private var finished: [ObjectIdentifier: (value: Any, schema: JSONValue)] = [:]
    private var inProgress: Set<ObjectIdentifier> = []

    /// Strings the decoder answers with, tried in turn until the type accepts one: a nil UUID
    /// (also a valid node name and DNS label), then shorter ones.
    static let stringPlaceholders = ["00000000-0000-0000-0000-000000000000", "a", "x-0"]

    public init(referencePrefix: String = "#/components/schemas/") {
        self.referencePrefix = referencePrefix
    }

    /// Describes `type` by hand as the component `name` (for types whose keys depend on their
    /// values); references to it point there, and `example` is what decoding code that reads one
    /// carries on with.
    public func override<T: Decodable>(_ type: T.Type, name: String, schema: JSONValue, example: T) {
        let id = ObjectIdentifier(type)
        names[id] = name
        takenNames[name] = id
        components[name] = schema
        finished[id] = (example, reference(name))
    }

    /// The schema of `type`: a `$ref` for an object type (recorded into `components`), inline otherwise.
    public func schema<T: Decodable>(for type: T.Type) throws -> JSONValue {
        try schema(of: type, path: [])
    }

    /// A reference to the component `name`.
    public func reference(_ name: String) -> JSONValue { ["$ref": .string(referencePrefix + name)] }

    // MARK: Recording

    /// The schema alone: a type being recorded (a recursive reference) is referenced by name.
    func schema<T: Decodable>(of type: T.Type, path: [any CodingKey]) throws -> JSONValue {
        let id = ObjectIdentifier(type)
        if inProgress.contains(id) { return reference(componentName(type)) }
        return try value(of: type, path: path).schema
    }

    /// A value of `type` for the decoding code to carry on with, and the type's schema.
    func value<T: Decodable>(of type: T.Type, path: [any CodingKey], placeholder: String = stringPlaceholders[0]) throws -> (value: T, schema: JSONValue) {
        if let (value, schema) = Self.primitive(type, placeholder: placeholder) { return (value as! T, schema) }
        let id = ObjectIdentifier(type)
        if let done = finished[id] { return (done.value as! T, done.schema) }
        if let (value, schema) = Self.enumeration(type) { return (value, schema) }
        if let optional = type as? any OptionalSchema.Type {
            return (optional.absent as! T, try schema(of: optional.wrappedType, path: path))
        }
        if let collection = type as? any CollectionSchema.Type {
            var schema: JSONValue = ["type": "array", "items": try self.schema(of: collection.elementType, path: path)]
            if collection.uniqueItems { schema["uniqueItems"] = true }
            return (collection.empty as! T, schema)
        }
        if let dictionary = type as? any DictionarySchema.Type {
            var schema: JSONValue = ["type": "object", "additionalProperties": try self.schema(of: dictionary.valueType, path: path)]
            if dictionary.keyType != String.self, let (_, keys) = Self.enumeration(dictionary.keyType) { schema["propertyNames"] = keys }
            return (dictionary.empty as! T, schema)
        }
        guard !inProgress.contains(id) else {
            throw SchemaRecorderError(type: componentName(type), reason: "contains itself without an optional or a collection in between")
        }
        inProgress.insert(id)
        defer { inProgress.remove(id) }
        var failure: (any Error)?
        for candidate in Self.stringPlaceholders {
            let recording = Recording()
            let decoder = RecordingDecoder(recorder: self, recording: recording, codingPath: path, placeholder: candidate)
            do {
                let value = try T(from: decoder)
                var schema = recording.resolved()
                if recording.isObject {
                    let name = componentName(type)
                    components[name] = schema
                    schema = reference(name)
                }
                finished[id] = (value, schema)
                return (value, schema)
            } catch let error as SchemaRecorderError {
                throw error
            } catch {
                failure = error
            }
        }
        if let (value, schema) = Self.enumerationByLayout(type) { return (value, schema) }
        let hint = type is any RawRepresentable.Type ? " (a raw-value enum: make it CaseIterable so its values can be listed)" : ""
        throw SchemaRecorderError(type: componentName(type), reason: "its init(from:) refuses every placeholder\(hint): \(failure.map { "\($0)" } ?? "")")
    }

    /// The component name of `type`: its name without the module (`ContainerConfig.Port`), with the
    /// module in front only when two modules have a type of that name.
    public func componentName(_ type: Any.Type) -> String {
        let id = ObjectIdentifier(type)
        if let name = names[id] { return name }
        let full = Self.sanitised(String(reflecting: type))
        var parts = full.split(separator: ".").map(String.init)
        if parts.count > 1 { parts.removeFirst() }
        var name = parts.joined(separator: ".")
        if let owner = takenNames[name], owner != id { name = full }
        names[id] = name
        takenNames[name] = id
        return name
    }

    static func sanitised(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") ? $0 : "_" })
    }

    /// Strings, numbers, booleans and the Foundation values the API sends as strings.
    static func primitive<T>(_ type: T.Type, placeholder: String) -> (Any, JSONValue)? {
        switch type {
        case is String.Type: (placeholder, ["type": "string"])
        case is Bool.Type: (false, ["type": "boolean"])
        case is Int.Type: (1, ["type": "integer", "format": "int64"])
        case is Int64.Type: (Int64(1), ["type": "integer", "format": "int64"])
        case is Int32.Type: (Int32(1), ["type": "integer", "format": "int32"])
        case is Int16.Type: (Int16(1), ["type": "integer", "minimum": .int(Int(Int16.min)), "maximum": .int(Int(Int16.max))])
        case is Int8.Type: (Int8(1), ["type": "integer", "minimum": .int(Int(Int8.min)), "maximum": .int(Int(Int8.max))])
        case is UInt.Type: (UInt(1), ["type": "integer", "minimum": 0])
        case is UInt64.Type: (UInt64(1), ["type": "integer", "minimum": 0])
        case is UInt32.Type: (UInt32(1), ["type": "integer", "minimum": 0, "maximum": .int(Int(UInt32.max))])
        case is UInt16.Type: (UInt16(1), ["type": "integer", "minimum": 0, "maximum": .int(Int(UInt16.max))])
        case is UInt8.Type: (UInt8(1), ["type": "integer", "minimum": 0, "maximum": .int(Int(UInt8.max))])
        case is Double.Type: (Double(1), ["type": "number", "format": "double"])
        case is Float.Type: (Float(1), ["type": "number", "format": "float"])
        case is Decimal.Type: (Decimal(1), ["type": "number"])
        case is Date.Type: (Date(timeIntervalSince1970: 0), ["type": "string", "format": "date-time"])
        case is UUID.Type: (UUID(uuidString: "00000000-0000-0000-0000-000000000000")!, ["type": "string", "format": "uuid"])
        case is URL.Type: (URL(string: "https://example.invalid/")!, ["type": "string", "format": "uri"])
        case is Data.Type: (Data(), ["type": "string", "contentEncoding": "base64"])
        default: nil
        }
    }

    /// A `CaseIterable` raw-value enum: its first case and an `enum` of every raw value.
    static func enumeration<T>(_ type: T.Type) -> (T, JSONValue)? {
        guard let iterable = type as? any CaseIterable.Type else { return nil }
        let cases = allCases(iterable)
        guard let first = cases.first as? T else { return nil }
        var values: [JSONValue] = []
        for value in cases {
            guard let raw = value as? any RawRepresentable else { return nil }
            switch rawValue(raw) {
            case let string as String: values.append(.string(string))
            case let int as Int: values.append(.int(int))
            default: return nil
            }
        }
        let kind: JSONValue = values.allSatisfy { $0.stringValue != nil } ? "string" : "integer"
        return (first, ["type": kind, "enum": .array(values)])
    }

    /// A raw-value enum that is not `CaseIterable`: its cases read from its layout. A payload-free
    /// enum of up to 256 cases is one byte whose values 0..<n are its cases in order and whose value
    /// n is the `nil` of its Optional; every case found must round-trip through `init(rawValue:)`.
    static func enumerationByLayout<T>(_ type: T.Type) -> (T, JSONValue)? {
        guard type is any RawRepresentable.Type, MemoryLayout<T>.size == 1, MemoryLayout<T?>.size == 1 else { return nil }
        var cases: [T] = []
        for tag in UInt8.min...UInt8.max {
            guard let value = withUnsafeBytes(of: tag, { $0.load(as: T?.self) }) else { break }
            cases.append(value)
        }
        var values: [JSONValue] = []
        for value in cases {
            guard let raw = value as? any RawRepresentable, let rawValue = roundTrip(raw) else { return nil }
            values.append(rawValue)
        }
        guard let first = cases.first, !values.isEmpty else { return nil }
        let kind: JSONValue = values.allSatisfy { $0.stringValue != nil } ? "string" : "integer"
        return (first, ["type": kind, "enum": .array(values)])
    }

    /// The raw value of a case, when it is a string or an integer that names that case again.
    private static func roundTrip<R: RawRepresentable>(_ value: R) -> JSONValue? {
        guard let again = R(rawValue: value.rawValue) else { return nil }
        switch (value.rawValue as Any, again.rawValue as Any) {
        case (let a as String, let b as String) where a == b: return .string(a)
        case (let a as Int, let b as Int) where a == b: return .int(a)
        default: return nil
        }
    }

    private static func allCases<C: CaseIterable>(_ type: C.Type) -> [Any] { type.allCases.map { $0 } }
    private static func rawValue<R: RawRepresentable>(_ value: R) -> Any { value.rawValue }
}

/// Why a type's schema could not be recorded (the type and what went wrong).
public struct SchemaRecorderError: Error, CustomStringConvertible, Equatable {
    public let type: String
    public let reason: String
    public var description: String { "\(type): \(reason)" }

    public init(type: String, reason: String) {
        self.type = type
        self.reason = reason
    }
}

// MARK: What the decoder writes into

/// What the decoding code asked one decoder for: a fixed schema, an object's keys, a map's values
/// or an array's elements.
final class Recording {
    enum Mode {
        case undetermined
        case fixed(JSONValue)
        case object
        case map
        case array
    }

    var mode = Mode.undetermined
    /// Properties in the order they were first read.
    private(set) var propertyNames: [String] = []
    private var properties: [String: Recording] = [:]
    /// Properties read with `decode` (required unless also asked about with `contains`, `decodeNil` or `decodeIfPresent`).
    var decoded: Set<String> = []
    var optional: Set<String> = []
    var values: Recording?
    var items: Recording?

    var isObject: Bool {
        if case .object = mode { return true }
        return false
    }

    func property(_ name: String) -> Recording {
        if let existing = properties[name] { return existing }
        let created = Recording()
        properties[name] = created
        propertyNames.append(name)
        return created
    }

    func resolved() -> JSONValue {
        switch mode {
        case .undetermined: return [:]
        case .fixed(let schema): return schema
        case .map: return ["type": "object", "additionalProperties": values?.resolved() ?? true]
        case .array: return ["type": "array", "items": items?.resolved() ?? [:]]
        case .object:
            var members: [String: JSONValue] = [:]
            for name in propertyNames { members[name] = properties[name]?.resolved() }
            var schema: JSONValue = ["type": "object", "properties": .object(members)]
            let required = decoded.subtracting(optional).sorted()
            if !required.isEmpty { schema["required"] = .array(required.map { .string($0) }) }
            return schema
        }
    }
}

// MARK: The decoder

/// Answers a type's `init(from:)` with placeholders and records every question in a `Recording`.
struct RecordingDecoder: Decoder {
    let recorder: SchemaRecorder
    let recording: Recording
    let codingPath: [any CodingKey]
    let placeholder: String
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        if case .undetermined = recording.mode { recording.mode = .object }
        return KeyedDecodingContainer(RecordingKeyedContainer<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        if case .undetermined = recording.mode { recording.mode = .array }
        return RecordingUnkeyedContainer(decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { RecordingSingleValueContainer(decoder: self) }

    /// A decoder for a nested value recorded into `recording`.
    func nested(_ recording: Recording, key: (any CodingKey)?) -> RecordingDecoder {
        RecordingDecoder(recorder: recorder, recording: recording, codingPath: codingPath + (key.map { [$0] } ?? []), placeholder: placeholder)
    }

    /// Records and answers a value of `type` at `path`.
    func value<T: Decodable>(_ type: T.Type, at path: [any CodingKey], into recording: Recording) throws -> T {
        let (value, schema) = try recorder.value(of: type, path: path, placeholder: placeholder)
        recording.mode = .fixed(schema)
        return value
    }
}

/// The key a dictionary's values are recorded under.
private let mapKey = "\u{1}additionalProperties"

struct RecordingKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: RecordingDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    var recording: Recording { decoder.recording }

    /// Only a dictionary asks which keys there are: the container records a map from then on.
    var allKeys: [Key] {
        recording.mode = .map
        return Key(stringValue: mapKey).map { [$0] } ?? []
    }

    func contains(_ key: Key) -> Bool {
        if key.stringValue != mapKey { recording.optional.insert(key.stringValue) }
        return true
    }

    /// The recording of the value under `key`: a property, or a map's values.
    func slot(_ key: Key, required: Bool) -> Recording {
        if key.stringValue == mapKey {
            if recording.values == nil { recording.values = Recording() }
            return recording.values!
        }
        if required { recording.decoded.insert(key.stringValue) } else { recording.optional.insert(key.stringValue) }
        return recording.property(key.stringValue)
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        _ = slot(key, required: false)
        return false
    }

    func field<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        try decoder.value(type, at: codingPath + [key], into: slot(key, required: true))
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try field(type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try field(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try field(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try field(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try field(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try field(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try field(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try field(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try field(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try field(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try field(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try field(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try field(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try field(type, key) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try field(type, key) }

    /// Optional: recorded, and answered with nil (so no instance is needed; recursion through an
    /// optional ends here).
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        let slot = slot(key, required: false)
        slot.mode = .fixed(try decoder.recorder.schema(of: type, path: codingPath + [key]))
        return nil
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try decoder.nested(slot(key, required: true), key: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder.nested(slot(key, required: true), key: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { decoder.nested(recording, key: nil) }
    func superDecoder(forKey key: Key) throws -> any Decoder { decoder.nested(slot(key, required: true), key: key) }
}

/// An array's container: one element is recorded (the schema of every element), then it is at its end.
struct RecordingUnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: RecordingDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { 1 }
    var isAtEnd: Bool { currentIndex >= 1 }
    private(set) var currentIndex = 0

    init(decoder: RecordingDecoder) { self.decoder = decoder }

    var items: Recording {
        if decoder.recording.items == nil { decoder.recording.items = Recording() }
        return decoder.recording.items!
    }

    mutating func decodeNil() throws -> Bool { false }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        defer { currentIndex += 1 }
        return try decoder.value(type, at: codingPath, into: items)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        defer { currentIndex += 1 }
        return try decoder.nested(items, key: nil).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        defer { currentIndex += 1 }
        return try decoder.nested(items, key: nil).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        defer { currentIndex += 1 }
        return decoder.nested(items, key: nil)
    }
}

/// A single value (a wrapper such as `JobID`): its schema is the value's.
struct RecordingSingleValueContainer: SingleValueDecodingContainer {
    let decoder: RecordingDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { false }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.value(type, at: codingPath, into: decoder.recording) }
    func decode(_ type: Bool.Type) throws -> Bool { try decode(type, generic: ()) }
    func decode(_ type: String.Type) throws -> String { try decode(type, generic: ()) }
    func decode(_ type: Double.Type) throws -> Double { try decode(type, generic: ()) }
    func decode(_ type: Float.Type) throws -> Float { try decode(type, generic: ()) }
    func decode(_ type: Int.Type) throws -> Int { try decode(type, generic: ()) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decode(type, generic: ()) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decode(type, generic: ()) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decode(type, generic: ()) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decode(type, generic: ()) }
    func decode(_ type: UInt.Type) throws -> UInt { try decode(type, generic: ()) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decode(type, generic: ()) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decode(type, generic: ()) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decode(type, generic: ()) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decode(type, generic: ()) }

    private func decode<T: Decodable>(_ type: T.Type, generic: Void) throws -> T {
        try decoder.value(type, at: codingPath, into: decoder.recording)
    }
}

// MARK: Standard library types the recorder looks through

/// `Optional<Wrapped>`: the wrapped type's schema, answered with nil.
protocol OptionalSchema {
    static var wrappedType: any Decodable.Type { get }
    static var absent: Self { get }
}

extension Optional: OptionalSchema where Wrapped: Decodable {
    static var wrappedType: any Decodable.Type { Wrapped.self }
    static var absent: Self { nil }
}

/// Arrays and sets: `array` of the element's schema, answered with an empty collection.
protocol CollectionSchema {
    static var elementType: any Decodable.Type { get }
    static var uniqueItems: Bool { get }
    static var empty: Self { get }
}

extension Array: CollectionSchema where Element: Decodable {
    static var elementType: any Decodable.Type { Element.self }
    static var uniqueItems: Bool { false }
    static var empty: Self { [] }
}

extension Set: CollectionSchema where Element: Decodable {
    static var elementType: any Decodable.Type { Element.self }
    static var uniqueItems: Bool { true }
    static var empty: Self { [] }
}

/// Dictionaries: `object` with `additionalProperties` of the value's schema, answered empty.
protocol DictionarySchema {
    static var keyType: any Decodable.Type { get }
    static var valueType: any Decodable.Type { get }
    static var empty: Self { get }
}

extension Dictionary: DictionarySchema where Key: Decodable, Value: Decodable {
    static var keyType: any Decodable.Type { Key.self }
    static var valueType: any Decodable.Type { Value.self }
    static var empty: Self { [:] }
}
