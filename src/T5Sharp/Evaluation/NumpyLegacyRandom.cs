namespace T5Sharp.Evaluation;

/// <summary>
/// numpy's legacy global RNG (<c>np.random.seed(s)</c>: MT19937 seeded with init_genrand) and the one draw rouge_score's
/// bootstrap makes, <c>np.random.choice(n, size=n)</c> = <c>randint(0, n)</c>: masked rejection sampling on 32-bit
/// outputs. Reproducing it lets a seeded bootstrap give numpy's exact numbers (evaluate itself never seeds).
/// </summary>
internal sealed class NumpyLegacyRandom
{
    const int N = 624, M = 397;
    readonly uint[] _mt = new uint[N];
    int _pos;

    public NumpyLegacyRandom(uint seed)
    {
        _mt[0] = seed;
        for (int i = 1; i < N; i++) _mt[i] = 1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i;
        _pos = N;
    }

    public uint NextUInt32()
    {
        if (_pos >= N) Twist();
        uint y = _mt[_pos++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>An integer in [0, <paramref name="high"/>) drawn exactly as numpy's legacy <c>randint</c>.</summary>
    public int NextBelow(int high)
    {
        uint range = (uint)(high - 1);
        if (range == 0) return 0; // numpy draws nothing when only one value is possible
        uint mask = range;
        mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4; mask |= mask >> 8; mask |= mask >> 16;
        uint v;
        while ((v = NextUInt32() & mask) > range) { }
        return (int)v;
    }

    void Twist()
    {
        for (int i = 0; i < N; i++)
        {
            uint y = (_mt[i] & 0x80000000u) | (_mt[(i + 1) % N] & 0x7fffffffu);
            _mt[i] = _mt[(i + M) % N] ^ (y >> 1) ^ ((y & 1u) != 0 ? 0x9908b0dfu : 0u);
        }
        _pos = 0;
    }
}
