import CRabbitMQ
import Foundation

/// One rabbitmq-c connection with one channel (number 1): the only file of this module that
/// touches rabbitmq-c and its C pointers. Everything it returns or throws is a Swift type.
///
/// Not thread-safe and deliberately not `Sendable`: it is owned by exactly one actor
/// (``AMQPPublisher``, whose executor is a dedicated thread) or lives on one thread's stack
/// (``AMQPConsumer``). All calls block that thread. After any thrown error the connection is
/// unusable (``isBroken``): drop it and open a new one.
final class AMQPConnection {
    /// A frame that is not a delivery, reduced to what the callers act on.
    enum Event: Equatable {
        /// Nothing arrived within the timeout (heartbeats were serviced meanwhile).
        case timeout
        /// Publisher confirm: the broker took responsibility for `tag` (and all before it if `multiple`).
        case ack(tag: UInt64, multiple: Bool)
        /// Publisher confirm: the broker could not take `tag` (and all before it if `multiple`).
        case nack(tag: UInt64, multiple: Bool)
        /// The broker cancelled our consumer (queue deleted, node failure).
        case consumerCancelled
        /// Anything else (method replies we do not need, stray content frames).
        case other
    }

    /// Result of ``consume(timeout:)``.
    enum ConsumeResult {
        /// A message (its `generation` is 0; the consumer sets it).
        case delivery(AMQPDelivery)
        /// A frame other than a delivery.
        case event(Event)
    }

    private static let channel: amqp_channel_t = 1
    private let state: amqp_connection_state_t
    private var destroyed = false
    private var channelOpen = false
    /// `true` once an operation has failed; only ``close()`` makes sense then.
    private(set) var isBroken = false
    /// `false` once the socket itself failed or the broker closed the connection; ``close()``
    /// then skips the closing handshake.
    private var socketUsable = true

    /// Opens the TCP connection, logs in (PLAIN, heartbeat and client properties from the
    /// configuration) and opens channel 1.
    ///
    /// - Throws: ``AMQPError/connectionFailed(_:)`` or ``AMQPError/loginFailed(_:)``.
    init(configuration: AMQPConfiguration) throws {
        guard let state = amqp_new_connection() else { throw AMQPError.connectionFailed("out of memory") }
        self.state = state
        guard let socket = amqp_tcp_socket_new(state) else { throw fail(.connectionFailed("cannot create a TCP socket")) }

        var connectTimeout = Self.makeTimeval(configuration.connectTimeout)
        let endpoint = "\(configuration.host):\(configuration.port)"
        let status = configuration.host.withCString { amqp_socket_open_noblock(socket, $0, Int32(configuration.port), &connectTimeout) }
        guard status == AMQP_STATUS_OK.rawValue else {
            throw fail(.connectionFailed("connect to \(endpoint): \(Self.statusText(status))"))
        }
        _ = amqp_set_handshake_timeout(state, &connectTimeout)
        var rpcTimeout = Self.makeTimeval(configuration.rpcTimeout)
        _ = amqp_set_rpc_timeout(state, &rpcTimeout)

        let heartbeat = Self.heartbeatSeconds(configuration.heartbeat)
        let arena = CArena()
        var clientProperties = arena.table([
            ("connection_name", .string(configuration.connectionName)),
            ("capabilities", .table([("consumer_cancel_notify", .bool(true))])),
        ])
        let reply = configuration.vhost.withCString { vhost in
            configuration.user.withCString { user in
                configuration.password.withCString { password in
                    crabbitmq_login_plain_with_properties(state, vhost, 0, 131_072, heartbeat, &clientProperties, user, password)
                }
            }
        }
        withExtendedLifetime(arena) {}
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            break
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            let error = serverError(reply.reply)
            if case .connectionClosed(let code, let text) = error {
                throw fail(.loginFailed("\(code) \(text)"))
            }
            throw fail(error)
        case AMQP_RESPONSE_LIBRARY_EXCEPTION where reply.library_error == AMQP_STATUS_CONNECTION_CLOSED.rawValue:
            // The broker drops the socket when it refuses a login without authentication_failure_close.
            throw fail(.loginFailed("the broker closed the connection during login to \(endpoint)"))
        default:
            throw fail(error(from: reply, "login to \(endpoint)"))
        }

        amqp_channel_open(state, Self.channel)
        try check(amqp_get_rpc_reply(state), "channel.open")
        channelOpen = true
    }

    deinit {
        if !destroyed { amqp_destroy_connection(state) }
    }

    // MARK: Topology

    /// Declares exchanges, then queues, then bindings (idempotent when unchanged).
    func declare(_ topology: TopologyDeclaration) throws {
        for exchange in topology.exchanges {
            exchange.name.withCString { name in
                exchange.kind.rawValue.withCString { kind in
                    _ = amqp_exchange_declare(
                        state, Self.channel, amqp_cstring_bytes(name), amqp_cstring_bytes(kind),
                        0, exchange.durable ? 1 : 0, 0, 0, amqp_empty_table)
                }
            }
            try check(amqp_get_rpc_reply(state), "exchange.declare \(exchange.name)")
        }
        for queue in topology.queues {
            var arguments: [(String, CArena.Value)] = []
            if let exchange = queue.deadLetterExchange { arguments.append(("x-dead-letter-exchange", .string(exchange))) }
            if let ttl = queue.messageTTL {
                let milliseconds = ttl.components.seconds * 1000 + ttl.components.attoseconds / 1_000_000_000_000_000
                arguments.append(("x-message-ttl", .int64(milliseconds)))
            }
            let arena = CArena()
            let table = arena.table(arguments)
            queue.name.withCString { name in
                _ = amqp_queue_declare(
                    state, Self.channel, amqp_cstring_bytes(name), 0, queue.durable ? 1 : 0,
                    queue.exclusive ? 1 : 0, queue.autoDelete ? 1 : 0, table)
            }
            withExtendedLifetime(arena) {}
            try check(amqp_get_rpc_reply(state), "queue.declare \(queue.name)")
        }
        for binding in topology.bindings {
            binding.queue.withCString { queue in
                binding.exchange.withCString { exchange in
                    binding.routingKey.withCString { key in
                        _ = amqp_queue_bind(
                            state, Self.channel, amqp_cstring_bytes(queue), amqp_cstring_bytes(exchange),
                            amqp_cstring_bytes(key), amqp_empty_table)
                    }
                }
            }
            try check(amqp_get_rpc_reply(state), "queue.bind \(binding.queue) to \(binding.exchange)")
        }
    }

    /// Deletes a queue (tests and tooling).
    func deleteQueue(_ name: String) throws {
        name.withCString { _ = amqp_queue_delete(state, Self.channel, amqp_cstring_bytes($0), 0, 0) }
        try check(amqp_get_rpc_reply(state), "queue.delete \(name)")
    }

    /// Deletes an exchange (tests and tooling).
    func deleteExchange(_ name: String) throws {
        name.withCString { _ = amqp_exchange_delete(state, Self.channel, amqp_cstring_bytes($0), 0) }
        try check(amqp_get_rpc_reply(state), "exchange.delete \(name)")
    }

    // MARK: Publishing

    /// Puts the channel in confirm mode: the broker acks or nacks every publish from now on,
    /// numbering them from 1.
    func enableConfirms() throws {
        amqp_confirm_select(state, Self.channel)
        try check(amqp_get_rpc_reply(state), "confirm.select")
    }

    /// Sends one `basic.publish` (mandatory = false) with its header and body frames.
    func publish(_ message: OutgoingMessage) throws {
        let arena = CArena()
        var properties = Self.encode(message.properties, arena)
        let status = message.exchange.withCString { exchange in
            message.routingKey.withCString { routingKey in
                message.body.withUnsafeBytes { body in
                    amqp_basic_publish(
                        state, Self.channel, amqp_cstring_bytes(exchange), amqp_cstring_bytes(routingKey), 0, 0,
                        &properties, amqp_bytes_t(len: body.count, bytes: UnsafeMutableRawPointer(mutating: body.baseAddress)))
                }
            }
        }
        withExtendedLifetime(arena) {}
        guard status == AMQP_STATUS_OK.rawValue else {
            throw fail(.connectionFailed("basic.publish: \(Self.statusText(status))"))
        }
    }

    /// Waits up to `timeout` (`nil`: forever, `.zero`: only what is already there) for the next
    /// frame. Heartbeats are sent and checked while waiting.
    ///
    /// - Throws: ``AMQPError/channelClosed(code:text:)``, ``AMQPError/connectionClosed(code:text:)``
    ///   (after answering the close) or ``AMQPError/connectionFailed(_:)``.
    func nextEvent(timeout: Duration?) throws -> Event {
        var frame = amqp_frame_t()
        let status: Int32
        if let timeout {
            var tv = Self.makeTimeval(timeout)
            status = amqp_simple_wait_frame_noblock(state, &frame, &tv)
        } else {
            status = amqp_simple_wait_frame_noblock(state, &frame, nil)
        }
        if status == AMQP_STATUS_TIMEOUT.rawValue { return .timeout }
        guard status == AMQP_STATUS_OK.rawValue else {
            throw fail(.connectionFailed("waiting for a frame: \(Self.statusText(status))"))
        }
        guard frame.frame_type == UInt8(AMQP_FRAME_METHOD) else { return .other }
        let method = frame.payload.method
        switch method.id {
        case AMQP_BASIC_ACK_METHOD:
            let ack = method.decoded.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
            return .ack(tag: ack.delivery_tag, multiple: ack.multiple != 0)
        case AMQP_BASIC_NACK_METHOD:
            let nack = method.decoded.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee
            return .nack(tag: nack.delivery_tag, multiple: nack.multiple != 0)
        case AMQP_BASIC_CANCEL_METHOD:
            return .consumerCancelled
        case AMQP_CHANNEL_CLOSE_METHOD, AMQP_CONNECTION_CLOSE_METHOD:
            throw fail(serverError(method))
        default:
            return .other
        }
    }

    // MARK: Consuming

    /// `basic.qos`: at most `prefetch` unacked deliveries on this channel.
    func setPrefetch(_ prefetch: UInt16) throws {
        amqp_basic_qos(state, Self.channel, 0, prefetch, 0)
        try check(amqp_get_rpc_reply(state), "basic.qos")
    }

    /// `basic.consume` with manual acks; returns the consumer tag the broker assigned.
    @discardableResult
    func startConsuming(queue: String) throws -> String {
        let ok = queue.withCString {
            amqp_basic_consume(state, Self.channel, amqp_cstring_bytes($0), amqp_empty_bytes, 0, 0, 0, amqp_empty_table)
        }
        try check(amqp_get_rpc_reply(state), "basic.consume \(queue)")
        return ok.map { Self.string($0.pointee.consumer_tag) } ?? ""
    }

    /// `basic.cancel` for `consumerTag`; deliveries still in flight stay unacked (the broker
    /// requeues them when the channel closes).
    func cancelConsuming(_ consumerTag: String) throws {
        consumerTag.withCString { _ = amqp_basic_cancel(state, Self.channel, amqp_cstring_bytes($0)) }
        try check(amqp_get_rpc_reply(state), "basic.cancel")
    }

    /// Reads the next delivery or other frame, waiting up to `timeout` for its first frame
    /// (`.zero`: only buffered or already readable data). A delivery's header and body are
    /// read to the end. Returns `.event(.timeout)` if nothing came.
    func consume(timeout: Duration?) throws -> ConsumeResult {
        amqp_maybe_release_buffers(state)
        var envelope = amqp_envelope_t()
        let reply: amqp_rpc_reply_t
        if let timeout {
            var tv = Self.makeTimeval(timeout)
            reply = amqp_consume_message(state, &envelope, &tv, 0)
        } else {
            reply = amqp_consume_message(state, &envelope, nil, 0)
        }
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            defer { amqp_destroy_envelope(&envelope) }
            let message = envelope.message
            let delivery = AMQPDelivery(
                body: Self.bytes(message.body),
                exchange: Self.string(envelope.exchange),
                routingKey: Self.string(envelope.routing_key),
                properties: Self.decode(message.properties),
                redelivered: envelope.redelivered != 0,
                deliveryTag: envelope.delivery_tag,
                generation: 0)
            return .delivery(delivery)
        case AMQP_RESPONSE_LIBRARY_EXCEPTION where reply.library_error == AMQP_STATUS_TIMEOUT.rawValue:
            return .event(.timeout)
        case AMQP_RESPONSE_LIBRARY_EXCEPTION where reply.library_error == AMQP_STATUS_UNEXPECTED_STATE.rawValue:
            // Not a basic.deliver: rabbitmq-c put the frame back; read it (returns at once).
            return .event(try nextEvent(timeout: nil))
        default:
            throw fail(error(from: reply, "consume"))
        }
    }

    /// `basic.ack`.
    func ack(_ tag: UInt64, multiple: Bool) throws {
        try send(amqp_basic_ack(state, Self.channel, tag, multiple ? 1 : 0), "basic.ack")
    }

    /// `basic.nack` (`requeue == false` dead-letters when the queue has a DLX).
    func nack(_ tag: UInt64, multiple: Bool, requeue: Bool) throws {
        try send(amqp_basic_nack(state, Self.channel, tag, multiple ? 1 : 0, requeue ? 1 : 0), "basic.nack")
    }

    /// `basic.reject`.
    func reject(_ tag: UInt64, requeue: Bool) throws {
        try send(amqp_basic_reject(state, Self.channel, tag, requeue ? 1 : 0), "basic.reject")
    }

    /// Socket descriptor to `poll()` for readability (-1 if there is none).
    var socketDescriptor: Int32 { amqp_get_sockfd(state) }

    /// `true` if frames or bytes are buffered inside rabbitmq-c, so the socket may not become
    /// readable again although there is something to read.
    var hasBufferedInput: Bool { amqp_frames_enqueued(state) != 0 || amqp_data_in_buffer(state) != 0 }

    // MARK: Closing

    /// Closes channel and connection politely (bounded by the RPC timeout), then frees
    /// everything. After a socket failure or a broker-side connection close it only frees.
    func close() {
        guard !destroyed else { return }
        if socketUsable {
            if channelOpen && !isBroken { _ = amqp_channel_close(state, Self.channel, AMQP_REPLY_SUCCESS) }
            _ = amqp_connection_close(state, AMQP_REPLY_SUCCESS)
        }
        amqp_destroy_connection(state)
        destroyed = true
    }

    // MARK: Errors

    private func fail(_ error: AMQPError) -> AMQPError {
        isBroken = true
        switch error {
        case .channelClosed: break  // the connection itself is still fine
        default: socketUsable = false
        }
        return error
    }

    private func check(_ reply: amqp_rpc_reply_t, _ operation: String) throws {
        guard reply.reply_type != AMQP_RESPONSE_NORMAL else { return }
        throw fail(error(from: reply, operation))
    }

    private func send(_ status: Int32, _ operation: String) throws {
        guard status != AMQP_STATUS_OK.rawValue else { return }
        throw fail(.connectionFailed("\(operation): \(Self.statusText(status))"))
    }

    private func error(from reply: amqp_rpc_reply_t, _ operation: String) -> AMQPError {
        switch reply.reply_type {
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            .connectionFailed("\(operation): \(Self.statusText(reply.library_error))")
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            serverError(reply.reply)
        default:
            .connectionFailed("\(operation): no reply")
        }
    }

    /// Turns a server `channel.close` / `connection.close` into an error and answers it.
    private func serverError(_ method: amqp_method_t) -> AMQPError {
        switch method.id {
        case AMQP_CONNECTION_CLOSE_METHOD:
            let close = method.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            var ok = amqp_connection_close_ok_t(dummy: 0)
            _ = amqp_send_method(state, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok)
            channelOpen = false
            isBroken = true
            return .connectionClosed(code: Int(close.reply_code), text: Self.string(close.reply_text))
        case AMQP_CHANNEL_CLOSE_METHOD:
            let close = method.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            var ok = amqp_channel_close_ok_t(dummy: 0)
            _ = amqp_send_method(state, Self.channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok)
            channelOpen = false
            return .channelClosed(code: Int(close.reply_code), text: Self.string(close.reply_text))
        default:
            return .connectionFailed("unexpected method 0x\(String(method.id, radix: 16)) from the broker")
        }
    }

    private static func statusText(_ status: Int32) -> String {
        String(cString: amqp_error_string2(status))
    }

    // MARK: Conversions

    private static func makeTimeval(_ duration: Duration) -> timeval {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return timeval(tv_sec: 0, tv_usec: 0) }
        return timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }

    private static func heartbeatSeconds(_ heartbeat: Duration) -> Int32 {
        let (seconds, attoseconds) = heartbeat.components
        guard seconds > 0 || attoseconds > 0 else { return 0 }
        return Int32(clamping: seconds + (attoseconds > 0 ? 1 : 0))
    }

    private static func string(_ bytes: amqp_bytes_t) -> String {
        guard bytes.len > 0, let base = bytes.bytes else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: base, count: bytes.len), as: UTF8.self)
    }

    private static func bytes(_ bytes: amqp_bytes_t) -> [UInt8] {
        guard bytes.len > 0, let base = bytes.bytes else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: base, count: bytes.len))
    }

    private static func has(_ properties: amqp_basic_properties_t, _ flag: Int32) -> Bool {
        properties._flags & amqp_flags_t(flag) != 0
    }

    private static func encode(_ properties: AMQPProperties, _ arena: CArena) -> amqp_basic_properties_t {
        var encoded = amqp_basic_properties_t()
        var flags = amqp_flags_t(AMQP_BASIC_DELIVERY_MODE_FLAG)
        encoded.delivery_mode = properties.persistent ? 2 : 1
        if let value = properties.contentType {
            flags |= amqp_flags_t(AMQP_BASIC_CONTENT_TYPE_FLAG)
            encoded.content_type = arena.bytes(value)
        }
        if let value = properties.messageID {
            flags |= amqp_flags_t(AMQP_BASIC_MESSAGE_ID_FLAG)
            encoded.message_id = arena.bytes(value)
        }
        if let value = properties.correlationID {
            flags |= amqp_flags_t(AMQP_BASIC_CORRELATION_ID_FLAG)
            encoded.correlation_id = arena.bytes(value)
        }
        if let value = properties.type {
            flags |= amqp_flags_t(AMQP_BASIC_TYPE_FLAG)
            encoded.type = arena.bytes(value)
        }
        if let value = properties.timestamp {
            flags |= amqp_flags_t(AMQP_BASIC_TIMESTAMP_FLAG)
            encoded.timestamp = UInt64(exactly: min(253_402_300_799, max(0, value.timeIntervalSince1970.rounded(.down)))) ?? 0
        }
        if !properties.headers.isEmpty {
            flags |= amqp_flags_t(AMQP_BASIC_HEADERS_FLAG)
            encoded.headers = arena.table(properties.headers.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
        }
        encoded._flags = flags
        return encoded
    }

    private static func decode(_ properties: amqp_basic_properties_t) -> AMQPProperties {
        var decoded = AMQPProperties(contentType: nil, persistent: false)
        if has(properties, AMQP_BASIC_CONTENT_TYPE_FLAG) { decoded.contentType = string(properties.content_type) }
        if has(properties, AMQP_BASIC_MESSAGE_ID_FLAG) { decoded.messageID = string(properties.message_id) }
        if has(properties, AMQP_BASIC_CORRELATION_ID_FLAG) { decoded.correlationID = string(properties.correlation_id) }
        if has(properties, AMQP_BASIC_TYPE_FLAG) { decoded.type = string(properties.type) }
        if has(properties, AMQP_BASIC_TIMESTAMP_FLAG) {
            // Untrusted: only a time between 1970 and 9999 is kept (2^62 would trap later, in date arithmetic or a database bind).
            if properties.timestamp <= 253_402_300_799 { decoded.timestamp = Date(timeIntervalSince1970: TimeInterval(properties.timestamp)) }
        }
        if has(properties, AMQP_BASIC_DELIVERY_MODE_FLAG) { decoded.persistent = properties.delivery_mode == 2 }
        if has(properties, AMQP_BASIC_HEADERS_FLAG), let entries = properties.headers.entries {
            for index in 0..<Int(max(0, properties.headers.num_entries)) {
                let entry = entries[index]
                let kind = entry.value.kind
                guard
                    kind == UInt8(truncatingIfNeeded: AMQP_FIELD_KIND_UTF8.rawValue)
                        || kind == UInt8(truncatingIfNeeded: AMQP_FIELD_KIND_BYTES.rawValue)
                else { continue }
                decoded.headers[string(entry.key)] = string(entry.value.value.bytes)
            }
        }
        return decoded
    }
}

/// C memory for the strings and field tables of one call, freed when the arena is released.
/// `amqp_cstring_bytes` on a Swift string would dangle after the call that bridged it.
private final class CArena {
    /// A field-table value.
    enum Value {
        case string(String)
        case bool(Bool)
        case int64(Int64)
        case table([(String, Value)])
    }

    private var allocations: [UnsafeMutableRawPointer] = []

    deinit {
        for allocation in allocations { free(allocation) }
    }

    func bytes(_ string: String) -> amqp_bytes_t {
        let count = string.utf8.count
        guard count > 0, let memory = malloc(count) else { return amqp_bytes_t(len: 0, bytes: nil) }
        allocations.append(memory)
        var string = string
        string.withUTF8 { memory.copyMemory(from: $0.baseAddress!, byteCount: count) }
        return amqp_bytes_t(len: count, bytes: memory)
    }

    func table(_ entries: [(String, Value)]) -> amqp_table_t {
        guard !entries.isEmpty,
            let memory = malloc(MemoryLayout<amqp_table_entry_t>.stride * entries.count)
        else { return amqp_table_t(num_entries: 0, entries: nil) }
        allocations.append(memory)
        let table = memory.bindMemory(to: amqp_table_entry_t.self, capacity: entries.count)
        for (index, (key, value)) in entries.enumerated() {
            (table + index).initialize(to: amqp_table_entry_t(key: bytes(key), value: field(value)))
        }
        return amqp_table_t(num_entries: Int32(entries.count), entries: table)
    }

    private func field(_ value: Value) -> amqp_field_value_t {
        var field = amqp_field_value_t()
        switch value {
        case .string(let string):
            field.kind = UInt8(truncatingIfNeeded: AMQP_FIELD_KIND_UTF8.rawValue)
            field.value.bytes = bytes(string)
        case .bool(let bool):
            field.kind = UInt8(truncatingIfNeeded: AMQP_FIELD_KIND_BOOLEAN.rawValue)
            field.value.boolean = bool ? 1 : 0
        case .int64(let number):
            field.kind = UInt8(truncatingIfNeeded: AMQP_FIELD_KIND_I64.rawValue)
            field.value.i64 = number
        case .table(let entries):
            field.kind = UInt8(truncatingIfNeeded: AMQP_FIELD_KIND_TABLE.rawValue)
            field.value.table = table(entries)
        }
        return field
    }
}
