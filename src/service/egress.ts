import { aws_ec2 as ec2 } from 'aws-cdk-lib';

/**
 * What the security group of new instances allows out.
 *
 * The instances of a watched service need HTTPS only: the CloudWatch agent
 * (`monitoring`, `logs`), Session Manager and State Manager (`ssm`, `ssmmessages`,
 * `ec2messages`), the agent's download and the package repositories (`dnf` on Amazon Linux
 * 2023 reads its repositories from S3 over HTTPS) all listen on TCP 443. The Amazon DNS
 * server, the instance metadata service and the Amazon Time Sync Service are link-local
 * and not filtered by security groups, so they keep working with any choice here.
 * See https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-group-rules.html
 * ("Security group rules do not filter traffic destined to and from ... Amazon DNS,
 * Amazon Time Sync Service, instance metadata").
 *
 * Add anything else the application needs (a database port, say) with
 * `service.connections.allowTo(peer, port)`.
 */
export class ServiceEgress {
  /**
   * TCP 443 to any IPv4 address: what the agent, Session Manager and the package
   * repositories need, and nothing else. Meets the AWS Guard rule
   * `SECURITY_GROUP_EGRESS_ALL_PROTOCOLS`; it is still open to the world on 443.
   */
  public static httpsOnly(): ServiceEgress {
    return new ServiceEgress('TCP 443 to 0.0.0.0/0', [ec2.Peer.anyIpv4()], false);
  }

  /**
   * TCP 443 to the given peers only, for VPCs that reach AWS through interface VPC
   * endpoints (`ssm`, `ssmmessages`, `ec2messages`, `monitoring`, `logs`) and an S3
   * gateway endpoint's prefix list: pass the VPC's CIDR and the prefix list. Meets the AWS
   * Guard rules `EC2_SECURITY_GROUP_EGRESS_OPEN_TO_WORLD` and
   * `SECURITY_GROUP_EGRESS_ALL_PROTOCOLS`.
   */
  public static httpsTo(peers: ec2.IPeer[]): ServiceEgress {
    return new ServiceEgress('TCP 443 to the given peers', [...peers], false);
  }

  /** Every protocol to every address (the EC2 default for a new security group). */
  public static allTraffic(): ServiceEgress {
    return new ServiceEgress('all traffic', [], true);
  }

  private constructor(
    /** A short description of what is allowed, for messages and documentation. */
    public readonly description: string,
    private readonly peers: ec2.IPeer[],
    /** @internal */
    public readonly _allowAllOutbound: boolean,
  ) {}

  /** @internal */
  public _apply(group: ec2.SecurityGroup): void {
    for (const peer of this.peers) {
      group.addEgressRule(peer, ec2.Port.tcp(443), 'HTTPS: CloudWatch agent, Systems Manager, package repositories');
    }
  }

  /** @internal */
  public get _peerCount(): number {
    return this.peers.length;
  }
}
