using Akka.Actor;
using NetSim.Protocol;

namespace NetSim.Actors;

/// <summary>
/// Ask with NetSim's reply convention: every request is answered by exactly one reply, its success reply or
/// <see cref="OperationFailed"/>. The typed helpers (<see cref="DeviceFileRequests"/>, <see cref="HostRequests"/>) are
/// built on <see cref="RequestAsync{TReply}"/>.
/// </summary>
public static class Requests
{
    /// <summary>
    /// Sends <paramref name="request"/> and returns its success reply of type <typeparamref name="TReply"/>.
    /// Without a timeout it waits as long as the request does (a blocking read waits for the next frame).
    /// </summary>
    /// <exception cref="ErrnoException">The reply was <see cref="OperationFailed"/>.</exception>
    /// <exception cref="UnexpectedReplyException">The reply was of another type: a protocol mismatch, not an errno.</exception>
    /// <exception cref="AskTimeoutException">No reply within <paramref name="timeout"/>.</exception>
    public static async Task<TReply> RequestAsync<TReply>(this IActorRef target, INetSimMessage request,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var reply = await target.Ask<object>(request, timeout, cancellationToken).ConfigureAwait(false);
        return reply switch
        {
            TReply success => success,
            OperationFailed failure => throw failure.ToException(),
            _ => throw new UnexpectedReplyException(request, typeof(TReply), reply),
        };
    }
}

/// <summary>A request was answered with neither its success reply nor <see cref="OperationFailed"/>.</summary>
public sealed class UnexpectedReplyException(object request, Type expected, object reply)
    : Exception($"{request.GetType().Name} expected {expected.Name} or OperationFailed, got {reply.GetType().Name}: {reply}")
{
    /// <summary>The reply that came.</summary>
    public object Reply { get; } = reply;
}
