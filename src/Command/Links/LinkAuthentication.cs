using System;
using System.Security.Cryptography;
using System.Text;

namespace NativeSnapc.Command.Links;

/// <summary>
/// The mutual challenge-response a node link opens with (docs/runtime.md): the global coordinator sends
/// "NSAC" and a 32-byte random challenge; the local coordinator answers "NSAR", HMAC-SHA256(secret, "local" ||
/// challenge), its own 32-byte challenge and its node name (uint32 big-endian length, UTF-8); the global checks
/// the MAC (in constant time) and answers "NSAR" and HMAC-SHA256(secret, "global" || the local's challenge), or
/// closes the connection and logs the refusal. The secret itself never travels.
/// </summary>
internal static class LinkAuthentication
{
    public static readonly byte[] ChallengeMagic = "NSAC"u8.ToArray();
    public static readonly byte[] ResponseMagic = "NSAR"u8.ToArray();
    public const int NonceBytes = 32;
    public const int MacBytes = 32;
    public const int MaxNodeName = 255;

    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(NonceBytes);

    public static byte[] Mac(byte[] secret, string side, ReadOnlySpan<byte> challenge)
    {
        var input = new byte[side.Length + challenge.Length];
        Encoding.ASCII.GetBytes(side, input);
        challenge.CopyTo(input.AsSpan(side.Length));
        return HMACSHA256.HashData(secret, input);
    }

    public static bool Verify(byte[] secret, string side, ReadOnlySpan<byte> challenge, ReadOnlySpan<byte> mac) =>
        mac.Length == MacBytes && CryptographicOperations.FixedTimeEquals(Mac(secret, side, challenge), mac);
}
