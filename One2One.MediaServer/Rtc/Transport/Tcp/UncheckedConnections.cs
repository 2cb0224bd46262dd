using System.Net;

namespace One2One.MediaServer.Rtc.Transport.Tcp;

/// <summary>
/// The ICE-TCP connections still waiting for their first check: how many each remote address holds (at most
/// <c>maxPerAddress</c>), and which came first, so that a full port makes room by closing the one that has waited
/// longest rather than refusing a browser, which sends its check as it connects.
/// </summary>
/// <remarks>Threading: the accept loop adds and takes the oldest; connections settle from their own threads; all under <see cref="_gate"/>.</remarks>
internal sealed class UncheckedConnections(int maxPerAddress)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private readonly LinkedList<IceTcpConnection> _byAge = [];

    /// <summary>Connections from <paramref name="address"/> waiting for their first check.</summary>
    public int From(IPAddress address)
    {
        lock (_gate)
        {
            return _perAddress.GetValueOrDefault(address);
        }
    }

    /// <summary>Counts one more connection from <paramref name="address"/>; false, counting nothing, when it holds its share.</summary>
    public bool TryReserve(IPAddress address)
    {
        lock (_gate)
        {
            var count = _perAddress.GetValueOrDefault(address);
            if (count >= maxPerAddress)
            {
                return false;
            }

            _perAddress[address] = count + 1;
            return true;
        }
    }

    /// <summary>Puts a connection whose address was reserved in line, newest last.</summary>
    public LinkedListNode<IceTcpConnection> Add(IceTcpConnection connection)
    {
        lock (_gate)
        {
            return _byAge.AddLast(connection);
        }
    }

    /// <summary>The connection that has waited longest for its check, if any.</summary>
    public IceTcpConnection? Oldest()
    {
        lock (_gate)
        {
            return _byAge.First?.Value;
        }
    }

    /// <summary>A connection from <paramref name="address"/> passed its check, closed, or failed to start (once per reservation).</summary>
    public void Settle(IPAddress address, LinkedListNode<IceTcpConnection>? inLine)
    {
        lock (_gate)
        {
            if (inLine?.List is not null)
            {
                _byAge.Remove(inLine);
            }

            if (_perAddress.GetValueOrDefault(address) <= 1)
            {
                _perAddress.Remove(address);
            }
            else
            {
                _perAddress[address]--;
            }
        }
    }
}
