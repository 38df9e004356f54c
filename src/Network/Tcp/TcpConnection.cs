using NetSim.Protocol;
using NetSim.Protocol.Wire;

namespace NetSim.Network.Tcp;

/// <summary>
/// One TCP connection: the RFC 9293 state machine in one place, in smoltcp's shape. <see cref="Process"/> takes
/// each incoming segment, <see cref="TryDispatch"/> plans each outgoing one, <see cref="OnTimer"/> runs what is due;
/// time is always passed in, never read. Buffers are sized at construction; nothing on the data path allocates.
/// </summary>
/// <remarks>
/// Loss recovery follows RFC 6675 with a SACK scoreboard (or, without SACK, RFC 6582 NewReno with duplicate ACKs
/// standing in for SACKed segments, as Linux does); the retransmission timer follows RFC 6298; the window grows and
/// shrinks through a pluggable <see cref="ICongestionControl"/>. Pieces RFC 9293 leaves optional and NetSim leaves
/// out: urgent data, PAWS, challenge-ACK rate limiting, Nagle's algorithm (sockets behave as with TCP_NODELAY).
/// </remarks>
public sealed class TcpConnection
{
    private const int DupThresh = 3;
    private const int SackCapacity = 32;
    private static readonly TimeSpan ClockGranularity = TimeSpan.FromMilliseconds(1);

    private readonly TcpConfig _config;
    private readonly ICongestionControl _cc;
    private readonly TcpRingBuffer _sendBuffer;
    private readonly TcpRingBuffer _receiveBuffer;
    private readonly SeqRangeSet _scoreboard = new(SackCapacity);
    private readonly SeqRangeSet _outOfOrder = new(SackCapacity);
    private readonly CongestionWindow _w = new();

    // Send sequence space (RFC 9293 3.3.1). SND.NXT is _sndMax: retransmissions are tracked by _highRxt instead.
    private SeqNumber _iss;
    private SeqNumber _sndUna;
    private SeqNumber _sndMax;
    private SeqNumber _sndWl1;
    private SeqNumber _sndWl2;
    private int _sndWnd;
    private int _maxSndWnd;
    private int _sndShift;
    /// <summary>Sequence number of the first byte in the send buffer.</summary>
    private SeqNumber _sendBufferSeq;
    private bool _finQueued;

    // Receive sequence space.
    private SeqNumber _irs;
    private SeqNumber _rcvNxt;
    private int _rcvShift;
    private SeqNumber _rcvAdvertisedEdge;
    private SeqNumber _lastAckSent;
    private bool _finReceived;
    private SeqNumber? _lastOutOfOrderSeq;

    // Options negotiated in the handshake.
    private bool _sackOk;
    private bool _timestampsOk;
    private bool _windowScalingOk;
    private uint _tsRecent;
    private int _localMss;
    private int _peerMss = 536;

    // Loss recovery.
    private CongestionState _caState = CongestionState.Open;
    private SeqNumber _recoverPoint;
    private SeqNumber _highRxt;
    private SeqNumber _lossPoint;
    private bool _retransmitNow;
    private int _dupAcks;

    // RTT and retransmission timer (RFC 6298).
    private TimeSpan _rttVar;
    private TimeSpan _rto;
    private int _backoff;
    private int _retries;
    private SeqNumber? _timedSeq;
    private TimeSpan _timedAt;

    // Timers: null when not armed.
    private TimeSpan? _retransmitAt;
    private TimeSpan? _persistAt;
    private TimeSpan? _delayedAckAt;
    private TimeSpan? _timeWaitUntil;
    private TimeSpan? _finWait2Until;
    private bool _ackNow;
    private bool _probeDue;
    private bool _synToSend;
    private int _unackedBytes;
    private SeqNumber? _rstToSend;
    private TimeSpan _openedAt;

    // Statistics.
    private long _segmentsSent, _segmentsReceived, _bytesAcked, _bytesReceived, _retransmitted, _timeouts, _fastRetransmits,
        _sackRecoveries, _duplicateAcks, _probes;
    private TimeSpan? _connectTime;

    internal TcpConnection(int id, TcpConfig config, TcpEndpoint local, TcpEndpoint remote, uint iss, int localMss)
    {
        Id = id;
        _config = config;
        Local = local;
        Remote = remote;
        _cc = CongestionControls.Create(config.CongestionControl);
        _sendBuffer = new TcpRingBuffer(config.SendBufferSize);
        _receiveBuffer = new TcpRingBuffer(config.ReceiveBufferSize);
        _iss = new SeqNumber(iss);
        _sndUna = _iss;
        _sndMax = _iss;
        _sendBufferSeq = _iss + 1;
        _localMss = localMss;
        _rto = config.InitialRto;
        if (config.WindowScaling)
            while (_rcvShift < TcpOptionSet.MaxWindowScale && (config.ReceiveBufferSize >> _rcvShift) > 65535) _rcvShift++;
    }

    /// <summary>The socket id the host hands to applications.</summary>
    public int Id { get; }
    public TcpEndpoint Local { get; }
    public TcpEndpoint Remote { get; }
    public TcpState State { get; private set; } = TcpState.Closed;
    /// <summary>Why the connection ended (ECONNREFUSED, ECONNRESET, ETIMEDOUT, EHOSTUNREACH); None while fine.</summary>
    public Errno Error { get; private set; }
    /// <summary>The last ICMP error seen (RFC 1122 4.2.3.9 soft error): reported instead of ETIMEDOUT if retries run out.</summary>
    public Errno SoftError { get; private set; }
    /// <summary>The application has closed its handle; the connection finishes on its own.</summary>
    public bool IsReleased { get; private set; }
    /// <summary>The listener this passive connection belongs to until it is accepted (its socket id), or 0.</summary>
    internal int ListenerId { get; set; }
    /// <summary>Something an application may wait for changed (readable, writable, connected, closed).</summary>
    internal bool Changed { get; set; }

    /// <summary>Bytes the application can read now.</summary>
    public int Readable => _receiveBuffer.Count;
    /// <summary>Bytes the application can queue now.</summary>
    public int Writable => CanSend ? _sendBuffer.Free : 0;
    /// <summary>The peer sent FIN and every byte before it has been read: reads return end of file.</summary>
    public bool AtEndOfStream => _finReceived && _receiveBuffer.Count == 0;
    public bool IsSynchronized => State is not (TcpState.Closed or TcpState.Listen or TcpState.SynSent or TcpState.SynReceived);
    /// <summary>Effective send MSS: payload bytes per full segment, option space for timestamps taken off.</summary>
    public int Mss => _w.Mss;
    private bool CanSend => !_finQueued && State is TcpState.SynSent or TcpState.SynReceived or TcpState.Established or TcpState.CloseWait;

    // ================================================================ opening

    /// <summary>Active open (RFC 9293 3.10.1): the SYN goes out on the next dispatch.</summary>
    internal void Connect(TimeSpan now)
    {
        State = TcpState.SynSent;
        _openedAt = now;
        _synToSend = true;
    }

    /// <summary>
    /// Passive open from a listener's SYN (RFC 9293 3.10.7.2): records the peer's ISN and options and moves to
    /// SYN-RECEIVED; the SYN-ACK goes out on the next dispatch.
    /// </summary>
    internal void AcceptSyn(uint peerIss, ushort window, in TcpOptionSet options, TimeSpan now)
    {
        _openedAt = now;
        ReadSynOptions(peerIss, window, options);
        State = TcpState.SynReceived;
        _synToSend = true;
    }

    private void ReadSynOptions(uint peerIss, ushort window, in TcpOptionSet options)
    {
        _irs = new SeqNumber(peerIss);
        _rcvNxt = _irs + 1;
        _lastAckSent = _rcvNxt;
        _peerMss = options.HasMss ? Math.Max((int)options.Mss, 64) : (Remote.Address.IsV6 ? 1220 : 536);
        _sackOk = _config.Sack && options.SackPermitted;
        _timestampsOk = _config.Timestamps && options.HasTimestamps;
        if (_timestampsOk) _tsRecent = options.TsVal;
        _windowScalingOk = _config.WindowScaling && options.HasWindowScale;
        _rcvAdvertisedEdge = _rcvNxt;
        if (_windowScalingOk)
            _sndShift = Math.Min((int)options.WindowScale, TcpOptionSet.MaxWindowScale);
        else
            _rcvShift = 0; // RFC 7323 2.2: scaling is used only when both sides offered it
        _sndWnd = window; // a SYN's window is never scaled
        _maxSndWnd = _sndWnd;
        _sndWl1 = _irs;
        _w.Mss = Math.Max(Math.Min(_peerMss, _localMss) - (_timestampsOk ? 12 : 0), 64);
    }

    private void BecomeEstablished(TimeSpan now)
    {
        State = _finQueued ? TcpState.FinWait1 : TcpState.Established;
        _connectTime = now - _openedAt;
        _w.Cwnd = _config.InitialWindowSegments * _w.Mss;
        _cc.Init(_w, now);
        Changed = true;
    }

    // ================================================================ application calls

    /// <summary>Queues bytes to send; returns how many fit (0 when the buffer is full).</summary>
    internal Errno Send(ReadOnlySpan<byte> data, out int written)
    {
        written = 0;
        if (!CanSend) return Error != Errno.None ? Error : Errno.EPIPE;
        written = _sendBuffer.Write(data);
        return written == 0 && data.Length > 0 ? Errno.EAGAIN : Errno.None;
    }

    /// <summary>Reads in-order bytes; 0 bytes with None means end of stream. May open the window (a window update).</summary>
    internal Errno Receive(Span<byte> destination, out int read)
    {
        read = 0;
        if (_receiveBuffer.Count == 0)
        {
            if (_finReceived) return Errno.None;
            if (Error != Errno.None) return Error;
            if (State is TcpState.Closed) return Errno.ENOTCONN;
            return destination.Length == 0 ? Errno.None : Errno.EAGAIN;
        }
        read = _receiveBuffer.Read(destination);
        // Window update once the window has opened by two segments or half the buffer (RFC 9293 3.8.6.2.2 SWS avoidance).
        int opened = AdvertisableWindow() - (_rcvAdvertisedEdge - _rcvNxt);
        if (IsSynchronized && !_finReceived && (opened >= 2 * _localMss || opened >= _receiveBuffer.Capacity / 2))
            _ackNow = true;
        return Errno.None;
    }

    /// <summary>shutdown(SHUT_WR): a FIN follows the queued data (RFC 9293 3.10.4).</summary>
    internal Errno Shutdown()
    {
        switch (State)
        {
            case TcpState.SynSent:
                State = TcpState.Closed;
                Changed = true;
                return Errno.None;
            case TcpState.SynReceived:
                _finQueued = true; // sent once the handshake completes
                return Errno.None;
            case TcpState.Established:
                _finQueued = true;
                State = TcpState.FinWait1;
                return Errno.None;
            case TcpState.CloseWait:
                _finQueued = true;
                State = TcpState.LastAck;
                return Errno.None;
            case TcpState.Closed:
                return Error != Errno.None ? Errno.None : Errno.ENOTCONN;
            default:
                return Errno.None; // already shut down
        }
    }

    /// <summary>
    /// close(): the handle goes away. Unread received data makes it an abort with RST (RFC 2525 2.17, as Linux does);
    /// otherwise the connection shuts down and finishes on its own.
    /// </summary>
    internal void Close(TimeSpan now)
    {
        IsReleased = true;
        if (_receiveBuffer.Count > 0 && IsSynchronized)
        {
            Abort(Errno.None);
            return;
        }
        Shutdown();
        if (State == TcpState.FinWait2) _finWait2Until = now + _config.FinWait2Timeout;
    }

    /// <summary>Ends the connection at once, with a RST to the peer when it is synchronized.</summary>
    internal void Abort(Errno error)
    {
        if (IsSynchronized || State == TcpState.SynReceived) _rstToSend = _sndMax;
        EnterClosed(error);
    }

    // ================================================================ incoming segments

    /// <summary>An incoming segment for this connection (RFC 9293 3.10.7 "SEGMENT ARRIVES"). Checksum already verified.</summary>
    internal void Process(TcpHeader segment, in TcpOptionSet options, TimeSpan now)
    {
        _segmentsReceived++;
        switch (State)
        {
            case TcpState.Closed:
            case TcpState.Listen:
                return;
            case TcpState.SynSent:
                ProcessSynSent(segment, options, now);
                return;
        }

        var seq = new SeqNumber(segment.SequenceNumber);
        var payload = segment.Payload;
        int segLength = segment.SegmentLength;

        // Simultaneous open, RFC 9293 figure 8 line 6: the peer's SYN-ACK (its SYN again, now with our ACK) completes it.
        if (State == TcpState.SynReceived && segment.Syn && segment.Ack && !segment.Rst && seq == _irs)
        {
            var synAck = new SeqNumber(segment.AcknowledgmentNumber);
            if (synAck > _sndUna && synAck <= _sndMax)
            {
                _sndUna = synAck;
                _retransmitAt = null;
                _backoff = 0;
                _retries = 0;
                UpdateWindow(seq, synAck, segment.Window, force: true);
                BecomeEstablished(now);
            }
            else _rstToSend = synAck;
            return;
        }

        // 1. Sequence number check (3.10.7.4 first).
        if (!IsAcceptable(seq, segLength))
        {
            if (!segment.Rst)
            {
                // A retransmitted SYN in SYN-RECEIVED means our SYN-ACK was lost: send it again.
                if (State == TcpState.SynReceived && segment.Syn && seq == _irs) _synToSend = true;
                else _ackNow = true;
                if (State == TcpState.TimeWait && segment.Fin) RestartTimeWait(now);
            }
            return;
        }

        // 2. RST (RFC 5961 3.2): only an exact match resets; in-window but inexact gets a challenge ACK.
        if (segment.Rst)
        {
            if (seq != _rcvNxt)
            {
                _ackNow = true;
                return;
            }
            switch (State)
            {
                case TcpState.SynReceived:
                    EnterClosed(ListenerId != 0 ? Errno.None : Errno.ECONNREFUSED);
                    break;
                case TcpState.Closing or TcpState.LastAck or TcpState.TimeWait:
                    EnterClosed(Errno.None);
                    break;
                default:
                    EnterClosed(Errno.ECONNRESET);
                    break;
            }
            return;
        }

        // 4. SYN in a synchronized state (RFC 5961 4.2): challenge ACK, never a reset.
        if (segment.Syn)
        {
            _ackNow = true;
            return;
        }

        // 5. ACK.
        if (!segment.Ack) return;
        var ack = new SeqNumber(segment.AcknowledgmentNumber);
        if (State == TcpState.SynReceived)
        {
            if (ack <= _sndUna || ack > _sndMax)
            {
                _rstToSend = ack;
                return;
            }
            _sndUna = ack;
            _retransmitAt = null;
            _backoff = 0;
            if (_timestampsOk && options.HasTimestamps) SampleRtt(RttFromEcho(now, options.TsEcr));
            UpdateWindow(seq, ack, segment.Window, force: true);
            BecomeEstablished(now);
        }
        else if (!ProcessAck(seq, ack, segment, options, now))
        {
            return;
        }

        if (_timestampsOk && options.HasTimestamps && seq <= _lastAckSent)
            _tsRecent = options.TsVal; // RFC 7323 4.3

        // 7. Segment text.
        if (payload.Length > 0)
        {
            if (State is TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2)
            {
                if (IsReleased)
                {
                    // Nobody will read it: Linux answers data after close() with a reset.
                    Abort(Errno.None);
                    return;
                }
                ReceiveData(seq, payload, now);
            }
        }

        // 8. FIN, once everything before it is in.
        if (segment.Fin && seq + payload.Length == _rcvNxt && !_finReceived)
        {
            _rcvNxt += 1;
            _finReceived = true;
            _ackNow = true;
            Changed = true;
            switch (State)
            {
                case TcpState.Established:
                    State = TcpState.CloseWait;
                    break;
                case TcpState.FinWait1:
                    if (FinAcked) EnterTimeWait(now);
                    else State = TcpState.Closing;
                    break;
                case TcpState.FinWait2:
                    EnterTimeWait(now);
                    break;
            }
        }
        else if (segment.Fin && State == TcpState.TimeWait)
        {
            _ackNow = true;
            RestartTimeWait(now);
        }
    }

    private void ProcessSynSent(TcpHeader segment, in TcpOptionSet options, TimeSpan now)
    {
        var ack = new SeqNumber(segment.AcknowledgmentNumber);
        if (segment.Ack && (ack <= _iss || ack > _sndMax))
        {
            if (!segment.Rst) _rstToSend = ack;
            return;
        }
        if (segment.Rst)
        {
            if (segment.Ack) EnterClosed(Errno.ECONNREFUSED);
            return;
        }
        if (!segment.Syn) return;
        ReadSynOptions(segment.SequenceNumber, segment.Window, options);
        if (segment.Ack)
        {
            _sndUna = ack;
            _retransmitAt = null;
            _backoff = 0;
            _retries = 0;
            if (_timestampsOk && options.TsEcr != 0) SampleRtt(RttFromEcho(now, options.TsEcr));
            else if (_timedSeq is not null) SampleRtt(now - _timedAt); // cleared if the SYN was retransmitted (Karn)
            _timedSeq = null;
            _ackNow = true;
            BecomeEstablished(now);
            return;
        }
        // Simultaneous open (RFC 9293 3.5, figure 8): SYN-ACK with our own ISN.
        State = TcpState.SynReceived;
        _synToSend = true;
    }

    /// <summary>RFC 9293 3.10.7.4, the four cases of the acceptability test.</summary>
    private bool IsAcceptable(SeqNumber seq, int segLength)
    {
        int window = Math.Max(AdvertisableWindow(), _rcvAdvertisedEdge - _rcvNxt);
        if (segLength == 0)
            return window == 0 ? seq == _rcvNxt : seq.InRange(_rcvNxt, _rcvNxt + window);
        if (window == 0) return false;
        return seq.InRange(_rcvNxt, _rcvNxt + window) || (seq + (segLength - 1)).InRange(_rcvNxt, _rcvNxt + window);
    }

    /// <summary>ACK processing for synchronized states; false when the segment is to be dropped.</summary>
    private bool ProcessAck(SeqNumber seq, SeqNumber ack, TcpHeader segment, in TcpOptionSet options, TimeSpan now)
    {
        // RFC 5961 5.2: an ACK for data never sent gets an ACK back; one older than the window is a challenge.
        if (ack > _sndMax)
        {
            _ackNow = true;
            return false;
        }
        if (ack < _sndUna - Math.Max(_maxSndWnd, 1))
        {
            _ackNow = true;
            return false;
        }

        if (_sackOk && options.SackCount > 0)
        {
            for (int i = 0; i < options.SackCount; i++)
            {
                var left = new SeqNumber(options.Sack[i].Left);
                var right = new SeqNumber(options.Sack[i].Right);
                // Blocks outside what is outstanding are stale or bogus (RFC 2883 D-SACKs land here too).
                if (left > _sndUna && right <= _sndMax && left < right) _scoreboard.Add(left, right);
            }
        }

        bool windowChanged = (segment.Window << _sndShift) != _sndWnd;
        if (ack > _sndUna)
        {
            OnNewAck(ack, options, now);
        }
        else if (ack == _sndUna && segment.Payload.Length == 0 && !segment.Fin && !windowChanged && _sndMax > _sndUna)
        {
            OnDuplicateAck(now);
        }
        UpdateWindow(seq, ack, segment.Window, force: false);

        switch (State)
        {
            case TcpState.FinWait1 when FinAcked:
                State = TcpState.FinWait2;
                if (IsReleased) _finWait2Until = now + _config.FinWait2Timeout;
                Changed = true;
                break;
            case TcpState.Closing when FinAcked:
                EnterTimeWait(now);
                break;
            case TcpState.LastAck when FinAcked:
                EnterClosed(Errno.None);
                return false;
        }
        return true;
    }

    private bool FinAcked => _finQueued && _sndUna == FinSeq + 1;
    private SeqNumber DataEnd => _sendBufferSeq + _sendBuffer.Count;
    private SeqNumber FinSeq => DataEnd;
    private SeqNumber SendEnd => _finQueued ? DataEnd + 1 : DataEnd;

    private void UpdateWindow(SeqNumber seq, SeqNumber ack, ushort window, bool force)
    {
        // RFC 9293 3.10.7.4: only a segment newer than the last window update may change the window.
        if (!force && !(_sndWl1 < seq || (_sndWl1 == seq && _sndWl2 <= ack))) return;
        _sndWnd = window << _sndShift;
        _sndWl1 = seq;
        _sndWl2 = ack;
        if (_sndWnd > _maxSndWnd) _maxSndWnd = _sndWnd;
        if (_sndWnd > 0) _persistAt = null;
        Changed = true;
    }

    private void OnNewAck(SeqNumber ack, in TcpOptionSet options, TimeSpan now)
    {
        int acked = ack - _sndUna;
        // Bytes of data acknowledged: the SYN and FIN take sequence space but no buffer.
        var dataAckedTo = SeqNumber.Min(ack, DataEnd);
        int dataAcked = Math.Max(0, dataAckedTo - _sendBufferSeq);
        if (dataAcked > 0)
        {
            _sendBuffer.Discard(dataAcked);
            _sendBufferSeq += dataAcked;
            _bytesAcked += dataAcked;
            Changed = true;
        }
        _sndUna = ack;
        _scoreboard.RemoveBelow(ack);
        _dupAcks = 0;
        _retries = 0;

        // RTT: timestamps give a sample per ACK (RFC 7323 4.1); otherwise the one timed segment, never a retransmitted one (Karn).
        TimeSpan? rtt = null;
        if (_timestampsOk && options.HasTimestamps && options.TsEcr != 0) rtt = RttFromEcho(now, options.TsEcr);
        else if (_timedSeq is { } timed && ack > timed) rtt = now - _timedAt;
        if (_timedSeq is { } t && ack > t) _timedSeq = null;
        if (rtt is { } r && r >= TimeSpan.Zero) SampleRtt(r);
        _backoff = 0;

        _cc.PacketsAcked(_w, acked, rtt, now);
        switch (_caState)
        {
            case CongestionState.Recovery:
                if (ack >= _recoverPoint)
                {
                    // Full ACK (RFC 6582 3.2 step 3): deflate to ssthresh and leave recovery.
                    _w.Cwnd = Math.Max(Math.Min(_w.SsThresh, FlightSize() + _w.Mss), _w.Mss);
                    SetCaState(CongestionState.Open, now);
                }
                else
                {
                    // Partial ACK: the next hole is lost too (RFC 6582 step 4; RFC 6675 NextSeg finds it).
                    if (_highRxt < ack) _highRxt = ack;
                    if (!_sackOk)
                    {
                        _highRxt = ack;
                        _lossPoint = ack + _w.Mss;
                        _retransmitNow = true;
                    }
                    else UpdateLossPoint();
                }
                break;
            case CongestionState.Loss:
                if (_highRxt < ack) _highRxt = ack;
                if (ack >= _recoverPoint) SetCaState(CongestionState.Open, now);
                _cc.IncreaseWindow(_w, acked, now);
                break;
            default:
                _cc.IncreaseWindow(_w, acked, now);
                break;
        }
        // RFC 6298 5.2/5.3: all acknowledged stops the timer; otherwise it restarts.
        _retransmitAt = _sndMax > _sndUna ? now + CurrentRto : null;
    }

    private void OnDuplicateAck(TimeSpan now)
    {
        _duplicateAcks++;
        _dupAcks++;
        if (_caState == CongestionState.Recovery)
        {
            if (_sackOk) UpdateLossPoint();
            return;
        }
        if (_caState == CongestionState.Loss) return;
        // RFC 6582 step 2 ("careful" variant): no new recovery for duplicates of data sent before the last one began.
        bool lossDetected = _dupAcks >= DupThresh || (_sackOk && _scoreboard.Bytes > (DupThresh - 1) * _w.Mss);
        if (!lossDetected || _sndUna < _recoverPoint) return;
        int flight = FlightSize();
        _w.SsThresh = _cc.SsThresh(_w, flight);
        _w.Cwnd = _w.SsThresh;
        _recoverPoint = _sndMax;
        _highRxt = _sndUna;
        if (_sackOk) UpdateLossPoint();
        if (!_sackOk || _lossPoint <= _sndUna) _lossPoint = _sndUna + _w.Mss;
        _retransmitNow = true;
        _fastRetransmits++;
        if (_sackOk) _sackRecoveries++;
        SetCaState(CongestionState.Recovery, now);
    }

    /// <summary>
    /// RFC 6675 IsLost: a sequence number is lost when more than (DupThresh - 1) * MSS bytes above it are SACKed.
    /// Holes below the loss point are retransmitted; the point only moves forward.
    /// </summary>
    private void UpdateLossPoint()
    {
        int threshold = (DupThresh - 1) * _w.Mss;
        int above = 0;
        for (int i = _scoreboard.Count - 1; i >= 0; i--)
        {
            int length = _scoreboard.EndAt(i) - _scoreboard.StartAt(i);
            if (above + length > threshold)
            {
                // Inside this block, the point with just over the threshold SACKed above it.
                var point = _scoreboard.EndAt(i) - (threshold - above);
                if (point > _lossPoint) _lossPoint = point;
                break;
            }
            above += length;
        }
        if (_lossPoint < _sndUna) _lossPoint = _sndUna;
    }

    private void SetCaState(CongestionState state, TimeSpan now)
    {
        _caState = state;
        if (state == CongestionState.Open) _dupAcks = 0;
        _cc.StateChanged(_w, state, now);
    }

    private void ReceiveData(SeqNumber seq, ReadOnlySpan<byte> payload, TimeSpan now)
    {
        int offset = seq - _rcvNxt;
        if (offset < 0)
        {
            if (-offset >= payload.Length)
            {
                _ackNow = true; // all old: a retransmission, our ACK was lost
                return;
            }
            payload = payload[-offset..];
            offset = 0;
        }
        int room = _receiveBuffer.Capacity - _receiveBuffer.Count - offset;
        if (room <= 0)
        {
            _ackNow = true;
            return;
        }
        if (payload.Length > room) payload = payload[..room];
        if (offset > 0)
        {
            // Out of order: park it at its place and tell the sender at once, with SACK (RFC 5681 4.2).
            if (_outOfOrder.Add(seq, seq + payload.Length))
            {
                _receiveBuffer.WriteAt(_receiveBuffer.Count + offset, payload);
                _lastOutOfOrderSeq = seq;
            }
            _ackNow = true;
            return;
        }
        _receiveBuffer.WriteAt(_receiveBuffer.Count, payload);
        _receiveBuffer.Commit(payload.Length);
        _rcvNxt += payload.Length;
        _bytesReceived += payload.Length;
        bool filledHole = false;
        while (_outOfOrder.Count > 0 && _outOfOrder.StartAt(0) <= _rcvNxt)
        {
            var end = _outOfOrder.EndAt(0);
            if (end > _rcvNxt)
            {
                int more = end - _rcvNxt;
                _receiveBuffer.Commit(more);
                _bytesReceived += more;
                _rcvNxt = end;
            }
            _outOfOrder.RemoveBelow(_rcvNxt);
            filledHole = true;
        }
        if (_outOfOrder.Count == 0) _lastOutOfOrderSeq = null;
        Changed = true;
        // Delayed ACK (RFC 9293 3.8.6.3, RFC 5681 4.2): at least every second full segment, at most DelayedAck late.
        _unackedBytes += payload.Length;
        if (filledHole || _config.DelayedAck == TimeSpan.Zero || _unackedBytes >= 2 * _w.Mss) _ackNow = true;
        else _delayedAckAt ??= now + _config.DelayedAck;
    }

    // ================================================================ outgoing segments

    /// <summary>
    /// Plans the next segment to send, or false when there is nothing to send now. Call until false after every
    /// <see cref="Process"/>, application call and timer; each true means the host sends the planned segment.
    /// </summary>
    public bool TryDispatch(TimeSpan now, out TcpSegmentPlan plan)
    {
        plan = default;
        if (_rstToSend is { } rstSeq)
        {
            _rstToSend = null;
            plan.Sequence = rstSeq;
            plan.Flags = TcpFlags.Rst;
            _segmentsSent++;
            return true;
        }
        switch (State)
        {
            case TcpState.Closed:
            case TcpState.Listen:
                return false;
            case TcpState.SynSent:
                if (!_synToSend) return false;
                PlanSyn(now, ref plan, TcpFlags.Syn);
                return true;
            case TcpState.SynReceived:
                if (_synToSend)
                {
                    PlanSyn(now, ref plan, TcpFlags.Syn | TcpFlags.Ack);
                    return true;
                }
                break;
        }
        if (IsSynchronized && TryPlanData(now, ref plan)) return true;
        if (_probeDue)
        {
            // Zero-window probe: an old sequence number makes the peer answer with an ACK carrying its window.
            _probeDue = false;
            _probes++;
            PlanHeader(now, ref plan, _sndUna - 1, TcpFlags.Ack);
            return true;
        }
        if (_ackNow || _delayedAckAt <= now)
        {
            PlanHeader(now, ref plan, _sndMax, TcpFlags.Ack);
            return true;
        }
        return false;
    }

    /// <summary>Copies the payload of a planned segment from the send queue.</summary>
    public void CopyPayload(in TcpSegmentPlan plan, Span<byte> destination) =>
        _sendBuffer.Peek(plan.Sequence - _sendBufferSeq, destination[..plan.PayloadLength]);

    private void PlanSyn(TimeSpan now, ref TcpSegmentPlan plan, TcpFlags flags)
    {
        _synToSend = false;
        plan.Sequence = _iss;
        plan.Flags = flags;
        plan.Acknowledgment = (flags & TcpFlags.Ack) != 0 ? _rcvNxt : default;
        plan.Window = (ushort)Math.Min(_receiveBuffer.Free, 65535);
        ref var o = ref plan.Options;
        o.HasMss = true;
        o.Mss = (ushort)Math.Min(_localMss, 65535);
        bool reply = (flags & TcpFlags.Ack) != 0;
        // A SYN-ACK offers only what the SYN offered (RFC 7323, RFC 2018).
        o.SackPermitted = _config.Sack && (!reply || _sackOk);
        o.HasTimestamps = _config.Timestamps && (!reply || _timestampsOk);
        if (o.HasTimestamps)
        {
            o.TsVal = Timestamp(now);
            o.TsEcr = reply ? _tsRecent : 0;
        }
        bool scale = _config.WindowScaling && (!reply || _windowScalingOk);
        if (scale)
        {
            o.HasWindowScale = true;
            o.WindowScale = (byte)_rcvShift;
        }
        if (_sndMax == _iss)
        {
            _sndMax = _iss + 1;
            if (!_timestampsOk) { _timedSeq = _iss; _timedAt = now; }
        }
        else
        {
            _retransmitted++;
            _timedSeq = null;
        }
        if (reply) NoteAckSent(plan.Window); // a SYN's window is not scaled
        _retransmitAt ??= now + CurrentRto;
        _segmentsSent++;
    }

    private void PlanHeader(TimeSpan now, ref TcpSegmentPlan plan, SeqNumber seq, TcpFlags flags)
    {
        plan.Sequence = seq;
        plan.Acknowledgment = _rcvNxt;
        plan.Flags = flags | TcpFlags.Ack;
        int window = Math.Max(AdvertisableWindow(), _rcvAdvertisedEdge - _rcvNxt);
        plan.Window = (ushort)Math.Min(window >> _rcvShift, 65535);
        ref var o = ref plan.Options;
        if (_timestampsOk)
        {
            o.HasTimestamps = true;
            o.TsVal = Timestamp(now);
            o.TsEcr = _tsRecent;
        }
        if (_sackOk && _outOfOrder.Count > 0) FillSackBlocks(ref o);
        NoteAckSent(plan.Window << _rcvShift);
        _segmentsSent++;
    }

    /// <param name="window">The window advertised, in bytes (the field times the scale).</param>
    private void NoteAckSent(int window)
    {
        _ackNow = false;
        _delayedAckAt = null;
        _unackedBytes = 0;
        _lastAckSent = _rcvNxt;
        var edge = _rcvNxt + window;
        if (edge > _rcvAdvertisedEdge) _rcvAdvertisedEdge = edge;
    }

    /// <summary>RFC 2018 4: the block holding the latest segment first, then the others, as many as fit.</summary>
    private void FillSackBlocks(ref TcpOptionSet o)
    {
        int max = o.HasTimestamps ? 3 : 4;
        int n = 0;
        int first = _lastOutOfOrderSeq is { } last ? _outOfOrder.IndexOf(last) : -1;
        if (first >= 0) o.Sack[n++] = new SackBlock(_outOfOrder.StartAt(first).Value, _outOfOrder.EndAt(first).Value);
        for (int i = _outOfOrder.Count - 1; i >= 0 && n < max; i--)
            if (i != first) o.Sack[n++] = new SackBlock(_outOfOrder.StartAt(i).Value, _outOfOrder.EndAt(i).Value);
        o.SackCount = n;
    }

    /// <summary>A retransmission (RFC 6675 NextSeg rule 1) or new data (rule 2), within cwnd and the peer's window.</summary>
    private bool TryPlanData(TimeSpan now, ref TcpSegmentPlan plan)
    {
        if (State is TcpState.TimeWait or TcpState.SynReceived) return false;
        int maxPayload = _w.Mss - (_sackOk && _outOfOrder.Count > 0 ? 4 + 8 * Math.Min(_outOfOrder.Count, _timestampsOk ? 3 : 4) : 0);
        var sendEnd = SendEnd;

        if (_caState != CongestionState.Open && _highRxt < _lossPoint)
        {
            var start = SeqNumber.Max(_highRxt, _sndUna);
            int index;
            while ((index = _scoreboard.IndexOf(start)) >= 0) start = _scoreboard.EndAt(index);
            var limit = SeqNumber.Min(_lossPoint, _sndMax);
            if (start < limit)
            {
                var end = SeqNumber.Min(start + maxPayload, limit);
                if (_scoreboard.NextStartAtOrAbove(start) is { } nextSacked && nextSacked < end) end = nextSacked;
                int length = end - start;
                if (!_retransmitNow && _w.Cwnd - Pipe() < length) return false;
                _retransmitNow = false;
                _highRxt = end;
                _retransmitted++;
                if (_timedSeq is { } timed && timed >= start) _timedSeq = null; // Karn
                PlanSegment(now, ref plan, start, end);
                return true;
            }
            _highRxt = _lossPoint;
        }

        if (_sndMax >= sendEnd || State is not (TcpState.Established or TcpState.CloseWait or TcpState.FinWait1 or TcpState.LastAck or TcpState.Closing))
            return false;
        int available = DataEnd - _sndMax;
        int cwndRoom = _w.Cwnd - Pipe();
        int windowRoom = (_sndUna + _sndWnd) - _sndMax;
        int len = Math.Min(Math.Min(available, maxPayload), Math.Min(cwndRoom, windowRoom));
        bool fin = _finQueued && len >= 0 && _sndMax + len == FinSeq && cwndRoom > 0;
        if (len <= 0 && !fin)
        {
            if (windowRoom <= 0 && _sndMax == _sndUna && available > 0) _persistAt ??= now + CurrentRto;
            return false;
        }
        if (len < 0) len = 0;
        // Sender SWS avoidance (RFC 9293 3.8.6.2.1): no runt segment while data is in flight, unless it is the last.
        if (len < maxPayload && len < available && _sndMax > _sndUna && len < _maxSndWnd / 2) return false;
        var from = _sndMax;
        var to = from + len + (fin ? 1 : 0);
        if (_timedSeq is null && !_timestampsOk && len > 0)
        {
            _timedSeq = from;
            _timedAt = now;
        }
        _sndMax = to;
        PlanSegment(now, ref plan, from, to);
        _retransmitAt ??= now + CurrentRto;
        return true;
    }

    /// <summary>Plans [start, end) of sequence space: data from the send queue, with FIN when it reaches past the data.</summary>
    private void PlanSegment(TimeSpan now, ref TcpSegmentPlan plan, SeqNumber start, SeqNumber end)
    {
        var dataEnd = SeqNumber.Min(end, DataEnd);
        plan.PayloadLength = Math.Max(0, dataEnd - start);
        var flags = TcpFlags.Ack;
        if (plan.PayloadLength > 0 && dataEnd == DataEnd) flags |= TcpFlags.Psh;
        if (_finQueued && end > FinSeq) flags |= TcpFlags.Fin;
        PlanHeader(now, ref plan, start, flags);
    }

    /// <summary>Bytes outstanding: sent and neither acknowledged nor SACKed.</summary>
    private int FlightSize() => Math.Max(0, (_sndMax - _sndUna) - _scoreboard.Bytes);

    /// <summary>
    /// RFC 6675 pipe: bytes outstanding that are neither SACKed nor deemed lost, plus lost bytes already retransmitted.
    /// Without SACK each duplicate ACK stands for one segment that left the network.
    /// </summary>
    private int Pipe()
    {
        int outstanding = _sndMax - _sndUna;
        int sacked = _sackOk ? _scoreboard.Bytes : Math.Min(_dupAcks * _w.Mss, outstanding);
        if (_caState == CongestionState.Open) return Math.Max(0, outstanding - sacked);
        var loss = SeqNumber.Min(_lossPoint, _sndMax);
        int lost = loss > _sndUna ? (loss - _sndUna) - _scoreboard.BytesBetween(_sndUna, loss) : 0;
        var rxt = SeqNumber.Min(_highRxt, loss);
        int retransmitted = rxt > _sndUna ? (rxt - _sndUna) - _scoreboard.BytesBetween(_sndUna, rxt) : 0;
        return Math.Max(0, outstanding - sacked - lost + retransmitted);
    }

    /// <summary>Free receive buffer, rounded to what the scaled window field can say, with receiver SWS avoidance.</summary>
    private int AdvertisableWindow()
    {
        int free = _receiveBuffer.Capacity - _receiveBuffer.Count;
        // RFC 9293 3.8.6.2.2: do not offer a sliver; wait until a segment's worth (or half the buffer) is free.
        if (free < Math.Min(_receiveBuffer.Capacity / 2, _localMss)) free = 0;
        return free >> _rcvShift << _rcvShift;
    }

    // ================================================================ timers

    /// <summary>The earliest time <see cref="OnTimer"/> has work; null when none.</summary>
    public TimeSpan? NextDeadline
    {
        get
        {
            TimeSpan? best = null;
            Earliest(ref best, _retransmitAt);
            Earliest(ref best, _persistAt);
            Earliest(ref best, _delayedAckAt);
            Earliest(ref best, _timeWaitUntil);
            Earliest(ref best, _finWait2Until);
            return best;
        }
    }

    private static void Earliest(ref TimeSpan? best, TimeSpan? t)
    {
        if (t is { } v && (best is null || v < best)) best = v;
    }

    /// <summary>Runs whatever is due at <paramref name="now"/>; the host dispatches afterwards.</summary>
    internal void OnTimer(TimeSpan now)
    {
        if (_timeWaitUntil <= now)
        {
            _timeWaitUntil = null;
            EnterClosed(Errno.None);
            return;
        }
        if (_finWait2Until <= now)
        {
            _finWait2Until = null;
            if (State == TcpState.FinWait2) { EnterClosed(Errno.None); return; }
        }
        if (_retransmitAt <= now)
        {
            _retransmitAt = null;
            OnRetransmitTimeout(now);
            if (State == TcpState.Closed) return;
        }
        if (_persistAt <= now)
        {
            _persistAt = null;
            if (_sndWnd == 0 && IsSynchronized)
            {
                _probeDue = true;
                _backoff = Math.Min(_backoff + 1, 16);
                _persistAt = now + CurrentRto;
            }
        }
        // Delayed ACKs are sent by TryDispatch once due.
    }

    private void OnRetransmitTimeout(TimeSpan now)
    {
        if (State is TcpState.SynSent or TcpState.SynReceived)
        {
            if (++_retries > _config.SynRetries)
            {
                Abort(SoftError != Errno.None ? SoftError : Errno.ETIMEDOUT);
                if (ListenerId != 0) Error = Errno.None; // a half-open passive connection just goes away
                return;
            }
            _backoff++;
            _synToSend = true;
            _timeouts++;
            _retransmitAt = now + CurrentRto;
            return;
        }
        if (_sndMax == _sndUna) return;
        if (++_retries > _config.MaxRetransmissions)
        {
            Abort(SoftError != Errno.None ? SoftError : Errno.ETIMEDOUT);
            return;
        }
        _timeouts++;
        // RFC 5681 (4): ssthresh halves on the first timeout of an episode only; cwnd restarts from one segment.
        if (_caState != CongestionState.Loss || _backoff == 0)
            _w.SsThresh = _cc.SsThresh(_w, FlightSize());
        _w.Cwnd = _w.Mss;
        _recoverPoint = _sndMax;
        _lossPoint = _sndMax;
        _highRxt = _sndUna;
        _retransmitNow = true;
        _timedSeq = null;
        _dupAcks = 0;
        SetCaState(CongestionState.Loss, now);
        _backoff = Math.Min(_backoff + 1, 16);
        _retransmitAt = now + CurrentRto;
    }

    private TimeSpan CurrentRto
    {
        get
        {
            long ticks = _rto.Ticks << Math.Min(_backoff, 16);
            return ticks > _config.MaxRto.Ticks || ticks < 0 ? _config.MaxRto : TimeSpan.FromTicks(ticks);
        }
    }

    /// <summary>RFC 6298 2.2-2.4: SRTT, RTTVAR and RTO from one measurement.</summary>
    private void SampleRtt(TimeSpan r)
    {
        if (r < TimeSpan.Zero) return;
        if (_w.SRtt == TimeSpan.Zero)
        {
            _w.SRtt = r;
            _rttVar = r / 2;
        }
        else
        {
            var delta = _w.SRtt - r;
            _rttVar = (_rttVar * 3 + (delta < TimeSpan.Zero ? -delta : delta)) / 4;
            _w.SRtt = (_w.SRtt * 7 + r) / 8;
        }
        if (_w.MinRtt == TimeSpan.Zero || r < _w.MinRtt) _w.MinRtt = r;
        var rto = _w.SRtt + (ClockGranularity > _rttVar * 4 ? ClockGranularity : _rttVar * 4);
        _rto = rto < _config.MinRto ? _config.MinRto : rto > _config.MaxRto ? _config.MaxRto : rto;
    }

    private void EnterTimeWait(TimeSpan now)
    {
        State = TcpState.TimeWait;
        _retransmitAt = null;
        _persistAt = null;
        _finWait2Until = null;
        RestartTimeWait(now);
        Changed = true;
    }

    private void RestartTimeWait(TimeSpan now) => _timeWaitUntil = now + 2 * _config.Msl;

    private void EnterClosed(Errno error)
    {
        State = TcpState.Closed;
        if (Error == Errno.None) Error = error;
        _retransmitAt = null;
        _persistAt = null;
        _delayedAckAt = null;
        _timeWaitUntil = null;
        _finWait2Until = null;
        _ackNow = false;
        _probeDue = false;
        _synToSend = false;
        Changed = true;
    }

    // ================================================================ ICMP

    /// <summary>
    /// An ICMP error about this connection (RFC 1122 4.2.3.9, RFC 5927): port or protocol unreachable is hard while
    /// connecting (ECONNREFUSED); host and net unreachable are soft, remembered and reported if retries run out.
    /// </summary>
    internal void OnIcmpError(Errno error, SeqNumber quotedSeq)
    {
        // RFC 5927 4.1: the quoted sequence number must be outstanding, or the message is forged or stale.
        if (!(quotedSeq >= _sndUna && quotedSeq < SeqNumber.Max(_sndMax, _sndUna + 1))) return;
        if (error == Errno.ECONNREFUSED && State is TcpState.SynSent or TcpState.SynReceived)
        {
            EnterClosed(Errno.ECONNREFUSED);
            return;
        }
        if (error is Errno.EHOSTUNREACH or Errno.ENETUNREACH or Errno.ECONNREFUSED)
        {
            SoftError = error == Errno.ECONNREFUSED ? Errno.ECONNREFUSED : error;
            Changed = true;
        }
    }

    // ================================================================ timestamps

    /// <summary>
    /// Timestamp clock: microseconds of virtual time. RFC 7323 allows 1 ms to 1 s per tick; a finer tick keeps the
    /// RTT samples of sub-millisecond simulated links exact, and the peer only echoes the value. Offset by one so
    /// that time zero is not sent as 0, which a SYN's TSecr uses for "nothing echoed".
    /// </summary>
    private static uint Timestamp(TimeSpan now) => unchecked((uint)(now.Ticks / 10) + 1u);

    /// <summary>The RTT an echoed timestamp measures; unsigned 32-bit difference, so the clock may wrap.</summary>
    private static TimeSpan RttFromEcho(TimeSpan now, uint echoed) => TimeSpan.FromTicks(unchecked(Timestamp(now) - echoed) * 10L);

    /// <summary>A snapshot of the connection's numbers.</summary>
    public TcpConnectionInfo Info => new()
    {
        State = State,
        Local = Local,
        Remote = Remote,
        CongestionControl = _config.CongestionControl,
        ConnectTime = _connectTime,
        SegmentsSent = _segmentsSent,
        SegmentsReceived = _segmentsReceived,
        BytesAcked = _bytesAcked,
        BytesReceived = _bytesReceived,
        RetransmittedSegments = _retransmitted,
        Timeouts = _timeouts,
        FastRetransmits = _fastRetransmits,
        SackRecoveries = _sackRecoveries,
        DuplicateAcks = _duplicateAcks,
        ZeroWindowProbes = _probes,
        SRtt = _w.SRtt,
        MinRtt = _w.MinRtt,
        Rto = _rto,
        Cwnd = _w.Cwnd,
        SsThresh = _w.SsThresh,
        Mss = _w.Mss,
        Error = Error,
    };
}
