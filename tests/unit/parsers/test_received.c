/* SPDX-License-Identifier: MIT */
/*
 * test_received - received_parse on one header value per shape (Postfix,
 * Sendmail, Exim, qmail, Microsoft, Google, CommuniGate, MDaemon,
 * ecelerity, Haraka, GMX, smap, local hops), then hostile input: deep
 * parentheses, unbalanced brackets, 64 KiB values, overlong HELOs.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "received.h"
#include "tstamp.h"

struct rcase {
    const char *in;
    const char *kind;   /* "smtp", "local", "other", "none" */
    const char *ip;
    const char *helo;
    const char *rdns;
    const char *id;     /* NULL: not checked */
    const char *by;     /* NULL: not checked */
};

static const struct rcase cases[] = {
    /* ---- Postfix ---- */
    {"from mail.example.com (mail.example.com [192.0.2.1]) by mx.example.net "
     "(Postfix) with ESMTP id 4ABC12345 for <u@example.net>; "
     "Tue, 3 Feb 2004 11:14:06 -0500",
     "smtp", "192.0.2.1", "mail.example.com", "mail.example.com", "4ABC12345",
     "mx.example.net"},
    {"from WIN-3RT9Q7A0D1K (unknown [198.51.100.7]) by mx.example.net "
     "(Postfix) with SMTP id 9F00A",
     "smtp", "198.51.100.7", "WIN-3RT9Q7A0D1K", "", "9F00A", "mx.example.net"},
    {"from server.example.nl (unknown [IPv6:2001:db8:aab6:26d::1da2])\n"
     "\t(using TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 "
     "bits))\n\t(Client did not present a certificate)\n\tby mx1.example.org "
     "(Postfix) with ESMTPS id CF0171862\n\tfor <t@example.com>; Mon,  6 Jul "
     "2020 09:00:00 +0000 (UTC)",
     "smtp", "2001:db8:aab6:26d::1da2", "server.example.nl", "", "CF0171862",
     "mx1.example.org"},
    /* no HELO given: Postfix writes the client name in the HELO position */
    {"from host.example.com (host.example.com [203.0.113.9]) by mx "
     "(Postfix) with SMTP id 1",
     "smtp", "203.0.113.9", "host.example.com", "host.example.com", "1", "mx"},
    {"from [192.168.1.3] (adsl.example.net [80.28.223.208]) (authenticated "
     "bits=0) by mac.com (Xserve/smtpin08/MantshX 4.0) with ESMTP id "
     "i8NIdH8G002812",
     "smtp", "80.28.223.208", "[192.168.1.3]", "adsl.example.net",
     "i8NIdH8G002812", "mac.com"},
    {"from av0001.example.com (localhost [127.0.0.1])by  localhost.example.com"
     " (Postfix) with ESMTP id 846CF2117for  <p@example.net>; Mon,  7 Aug "
     "2006 17:48:07 +0200 (MEST)",
     "smtp", "127.0.0.1", "av0001.example.com", "localhost", NULL,
     "localhost.example.com"},
    /* local Postfix hop */
    {"by oak.example.cz (Postfix, from userid 1002) id DABBD1BED3; Thu, 13 Feb"
     " 2003 14:02:21 +0100 (CET)",
     "none", "", "", "", "DABBD1BED3", "oak.example.cz"},
    /* ---- Sendmail ---- */
    /* "(may be forged)": the reverse name does not map back to the
     * address, so it is no verified name */
    {"from mx56.example.us (rev.example.com [64.119.196.56] (may be forged)) "
     "by mail.example.com (8.13.1/8.13.1) with ESMTP id i8FJcSRZ007847 for "
     "<o@example.com>; Wed, 15 Sep 2004 21:38:31 +0200",
     "smtp", "64.119.196.56", "mx56.example.us", "",
     "i8FJcSRZ007847", "mail.example.com"},
    {"from helo.example (ident@rdns.example.com [198.51.100.20]) by "
     "mx.example.com (8.14.7/8.14.7) with ESMTP id t1",
     "smtp", "198.51.100.20", "helo.example", "rdns.example.com", "t1",
     "mx.example.com"},
    /* old form without the rDNS */
    {"from Amazon.com ([66.0.37.1]) by bi-staff1.example.edu (8.12.8/8.12.8) "
     "with SMTP id k1SCIR87017358; Tue, 28 Feb 2006 06:18:27 -0600",
     "smtp", "66.0.37.1", "Amazon.com", "", "k1SCIR87017358", NULL},
    {"from 4wtgRl (kgbxn@[211.244.147.115]) by dogma.example.org "
     "(8.11.6/8.11.6) with SMTP id h8BBsUJ18848",
     "smtp", "211.244.147.115", "4wtgRl", "", "h8BBsUJ18848", NULL},
    /* local submission */
    {"(from asterisk@localhost)\n        by pbx.example.com "
     "(8.14.7/8.14.7/Submit) id 076Go4wD014562;\n        Thu, 6 Aug 2020 "
     "11:50:04 -0500",
     "none", "", "", "", "076Go4wD014562", "pbx.example.com"},
    /* ---- Exim ---- */
    {"from dsl.example.net ([66.92.76.133] helo=pendaran.example.net) by "
     "sc8-sf-mx1.example.net with esmtp (TLSv1:AES256-SHA:256) (Exim 4.41) id "
     "1CIlfc-0003Pa-8W for x@example.net; Sat, 16 Oct 2004 03:20:18 -0700",
     "smtp", "66.92.76.133", "pendaran.example.net", "dsl.example.net",
     "1CIlfc-0003Pa-8W", "sc8-sf-mx1.example.net"},
    {"from p50894de7.example.de ([80.137.77.231]:11218 helo=sandpiper "
     "ident=x) by mail1.example.de with esmtp (Exim 4.04) id 1CJaZW-0006rU-00",
     "smtp", "80.137.77.231", "sandpiper", "p50894de7.example.de",
     "1CJaZW-0006rU-00", NULL},
    /* HELO hidden: equal to the verified name (or none): helo = rdns */
    {"from gilmore.example.be ([158.64.60.71]) by castlerea.example.net with "
     "esmtp (TLSv1:DES-CBC3-SHA:168) (Exim 4.41) id 1CIusZ-00049K-45",
     "smtp", "158.64.60.71", "gilmore.example.be", "gilmore.example.be",
     "1CIusZ-00049K-45", NULL},
    {"from [206.51.230.145] (helo=t-online.de) by mxeu2.example.de with "
     "ESMTP (Nemesis), id 0MKpdM-1CkRpr14PF-000608",
     "smtp", "206.51.230.145", "t-online.de", "", NULL, NULL},
    {"from [192.0.2.77] (port=40312 helo=client.example) by mx.example.org "
     "with esmtp (Exim 4.96) id 1qX-0001",
     "smtp", "192.0.2.77", "client.example", "", "1qX-0001", NULL},
    /* Exim, no name and no HELO */
    {"from [192.0.2.78] by mx.example.org with smtp (Exim 4.96) id 1qY",
     "smtp", "192.0.2.78", "", "", "1qY", NULL},
    /* Exim 3: from RDNS (HELO) [IP.port] (ident) */
    {"from helene8.example.net (helene.example.ms) [10.0.8.6.13219] (mail) by"
     " lisbeth.example.net with esmtp (Exim 3.35 #1 (Debian)) id "
     "1CO5y7-0001vC-00",
     "smtp", "10.0.8.6", "helene.example.ms", "helene8.example.net", NULL,
     NULL},
    /* Exim local hops */
    {"from CALLER by myhost.test.ex with local (Exim x.yz) id 10HmaX-0005vi-00"
     "; Tue, 2 Mar 1999 09:44:33 +0000",
     "local", "", "CALLER", "", "10HmaX-0005vi-00", "myhost.test.ex"},
    {"from root (helo=candygram.example.org) by thunker.example.org with "
     "local-esmtps (Exim 4.50 #1 (Debian)) id 1FwHqR-0008Bw-OG",
     "local", "", "candygram.example.org", "", NULL, NULL},
    /* ---- qmail ---- */
    {"from unknown (HELO feux01a-isp) (213.199.4.210) by totor.example.net "
     "with SMTP; 1 Nov 2003 07:05:19 -0000",
     "smtp", "213.199.4.210", "feux01a-isp", "", "", "totor.example.net"},
    {"from lists.example.org (HELO parrot.example.org) (156.56.111.196) by "
     "blazing.example.org with (DHE-RSA-AES256-SHA encrypted) SMTP; 6 Feb "
     "2005 21:11:37 -0000",
     "smtp", "156.56.111.196", "parrot.example.org", "lists.example.org", "",
     NULL},
    {"from p5498acaa.example.de (HELO JIMBOBSPC) (user@84.152.172.1) by "
     "msa.example.com with ESMTPA; 23 May 2007 15:05:04 -0000",
     "smtp", "84.152.172.1", "JIMBOBSPC", "p5498acaa.example.de", NULL, NULL},
    {"from loki.example.net (212.7.146.145) by totor.example.net with SMTP; "
     "16 Nov 2003 04:53:54 -0000",
     "smtp", "212.7.146.145", "loki.example.net", "loki.example.net", NULL,
     NULL},
    {"from unknown (HELO ?151.80.38.67?) (myuser@mydomain.it@151.80.38.67) by"
     " mail.example.it with SMTP; 28 Jan 2013 21:50:51 +0100",
     "smtp", "151.80.38.67", "?151.80.38.67?", "", NULL, NULL},
    {"from mx10.example.net (HELO ) (69.6.60.10) by blazing.example.org with "
     "SMTP; 3 Mar 2004 20:34:38 -0000",
     "smtp", "69.6.60.10", "", "mx10.example.net", NULL, NULL},
    {"(qmail 10681 invoked by uid 404); 14 Nov 2003 08:05:52 -0000",
     "none", "", "", "", "", ""},
    {"(qmail 87263 messnum 771997 invoked from network[83.70.48.2/x.example."
     "net]); 8 Mar 2004 23:59:05 -0000",
     "none", "", "", "", "", ""},
    {"from 156.56.111.196 by blazing.example.org (envelope-from <g@example."
     "org>, uid 502) with qmail-scanner-1.24 (clamdscan: 0.80/594. Clear:RC:"
     "0(156.56.111.196):. Processed in 0.288806 secs); 06 Feb 2005 21:11:38 "
     "-0000",
     "local", "", "", "", NULL, NULL},
    /* ---- Microsoft ---- */
    {"from tthompson ([217.35.105.172] unverified) by mail.example.com with "
     "Microsoft SMTPSVC(5.0.2195.5329); Tue, 11 Mar 2003 13:23:01 +0000",
     "smtp", "217.35.105.172", "tthompson", "", "", "mail.example.com"},
    {"from 0 ([61.31.138.57] RDNS failed) by nccdi.example.com with Microsoft"
     " SMTPSVC(6.0.3790.0); Thu, 23 Sep 2004 08:51:06 -0700",
     "smtp", "61.31.138.57", "0", "", NULL, NULL},
    {"from inet-vrs-05.example.com ([157.54.6.157]) by INET-IMC-05.example."
     "com with Microsoft SMTPSVC(5.0.2195.6624); Thu, 6 Mar 2003 12:02:35 "
     "-0800",
     "smtp", "157.54.6.157", "inet-vrs-05.example.com", "", NULL, NULL},
    {"from mail pickup service by hotmail.com with Microsoft SMTPSVC; Tue, 16 "
     "Mar 2004 18:12:31 -0800",
     "none", "", "mail", "", NULL, "hotmail.com"},
    /* Exchange "from HELO (IP)": the name is the HELO, not a reverse name */
    {"from EXC-DAG-02.example.net (10.45.252.152) by EXC-DAG-03.example.net "
     "(10.45.252.153) with Microsoft SMTP Server (version=TLS1_2) id "
     "15.1.1261.35; Mon, 29 Oct 2018 11:17:19 +0100",
     "smtp", "10.45.252.152", "EXC-DAG-02.example.net", "", "15.1.1261.35",
     "EXC-DAG-03.example.net"},
    {"from AM5PR0402MB2836.example.com ([fe80::19bd:c588:dd17:5226]) by "
     "AM5PR0402MB2836.example.com ([fe80::19bd:c588:dd17:5226%6]) with mapi "
     "id 15.20.1943.023; Wed, 5 Jun 2019 10:17:08 +0000",
     "other", "fe80::19bd:c588:dd17:5226", "", "", "15.20.1943.023", NULL},
    /* ---- Google ---- */
    {"from out-25.smtp.example.com (out-25.smtp.example.com. [192.30.252.208])"
     " by mx.google.com with ESMTPS id m16sm345129qck.28",
     "smtp", "192.30.252.208", "out-25.smtp.example.com",
     "out-25.smtp.example.com", "m16sm345129qck.28", "mx.google.com"},
    {"from [127.0.0.1] ([127.0.0.2]) by smtp.gmail.com with ESMTPSA id xx",
     "smtp", "127.0.0.2", "[127.0.0.1]", "", "xx", "smtp.gmail.com"},
    {"by gmailapi.google.com with HTTPREST; Wed, 6 Mar 2019 03:39:24 -0500",
     "none", "", "", "", NULL, "gmailapi.google.com"},
    /* ---- CommuniGate, MDaemon, ecelerity, Haraka, GMX, smap ---- */
    {"from [65.17.198.50] (HELO 123greetings.info) by mail.example.org "
     "(CommuniGate Pro SMTP 5.1.3) with SMTP id 19467966",
     "smtp", "65.17.198.50", "123greetings.info", "", "19467966", NULL},
    {"from [128.114.2.223] (account user@example.edu HELO [10.10.10.10]) by "
     "silver.example.edu (CommuniGate Pro SMTP 4.3.7) with ESMTPSA id 8",
     "smtp", "128.114.2.223", "[10.10.10.10]", "", "8", NULL},
    {"from mail.example.ru ([213.183.114.1] verified) by relay2.example.ru "
     "(CommuniGate Pro SMTP 5.1.13) with ESMTPS id 9837783",
     "smtp", "213.183.114.1", "mail.example.ru", "mail.example.ru", NULL, NULL},
    {"from acecomms [202.83.84.95] by mailscan.example.au [202.83.84.27] with "
     "SMTP (MDaemon.PRO.v5.0.6.R) for <s@example.net>; Fri, 21 Feb 2003 "
     "09:32:27 +1000",
     "smtp", "202.83.84.95", "acecomms", "", NULL, "mailscan.example.au"},
    {"from ([192.168.1.205:50387] helo=i6.example.com) by m12.example.com "
     "(ecelerity 2.1.1.3 r(11743)) with ESMTP id 80/0A-02454-4DCB6054",
     "smtp", "192.168.1.205", "i6.example.com", "", "80/0A-02454-4DCB6054",
     NULL},
    {"from aaa.cn ([1.1.1.1]) by localhost.localdomain (Haraka/2.8.18) with "
     "ESMTPA id 349C9C2B.1 envelope-from <h@example.com> (authenticated "
     "bits=0); Tue, 03 Jul 2018 14:18:13 +0200",
     "smtp", "1.1.1.1", "aaa.cn", "", "349C9C2B.1", NULL},
    {"from stgt-5f70f8a3.example.net (EHLO user588a01834c) [95.112.248.163] "
     "by mail.gmx.net (mp033) with SMTP; 23 Nov 2012 19:06:20 +0100",
     "smtp", "95.112.248.163", "user588a01834c", "stgt-5f70f8a3.example.net",
     NULL, "mail.gmx.net"},
    {"from pl027.example.jp(61.197.82.27), claiming to be \"foo.example.net\""
     " via SMTP by st.example.at, id smtpd1PBsZT; Sun Nov 13 15:38:52 2005",
     "smtp", "61.197.82.27", "foo.example.net", "pl027.example.jp",
     "smtpd1PBsZT", "st.example.at"},
    {"from TCE-E-7-182-54.example.cn(202.106.182.54) via SMTP by st.example."
     "at, id smtpdEDUB8h; Sun Nov 13 14:50:12 2005",
     "smtp", "202.106.182.54", "", "TCE-E-7-182-54.example.cn", NULL, NULL},
    {"(from KRYPTIK [70.20.57.51]) by host.name (NAVGW 2.5.2.12) with SMTP "
     "id M2006040415284308595",
     "smtp", "70.20.57.51", "KRYPTIK", "", "M2006040415284308595", "host.name"},
    {"from list.example.com (63.146.189.86:23198) by mx1.example.net with "
     "[XMail 1.20 ESMTP Server] id <S72E>",
     "smtp", "63.146.189.86", "list.example.com", "", "<S72E>", NULL},
    {"from DPLAPTOP ( 72.242.176.162) by mail.example.com (Scalix SMTP Relay "
     "10.0.1.3) via ESMTP; Fri, 23 Jun 2006 16:39:47 -0500 (CDT)",
     "smtp", "72.242.176.162", "DPLAPTOP", "", NULL, NULL},
    /* LMTP is the last, internal delivery step: never the border */
    {"from mail1-backend.example.com (LHLO mail2-backend.example.com) "
     "(10.2.2.20) by mail3-backend.example.com with LMTP",
     "local", "", "mail2-backend.example.com", "mail1-backend.example.com",
     NULL, NULL},
    /* ---- HTTP and other non-SMTP clients ---- */
    {"from 24.8.231.233 by by1fd.example.com with HTTP; Wed, 17 Mar 2004 "
     "02:12:31 GMT",
     "other", "24.8.231.233", "", "", NULL, "by1fd.example.com"},
    {"from [94.79.161.130] by 3capp-webde-bs01.example.de (via HTTP); Tue, 11"
     " Nov 2014 20:32:34 +0100",
     "other", "94.79.161.130", "", "", NULL, NULL},
    {"from ausisaps301.example.com ([143.166.226.16]) (SquirrelMail "
     "authenticated user hoolis); by www.example.org with HTTP; Mon, 22 Mar "
     "2004 12:54:13 -0600 (CST)",
     "other", "143.166.226.16", "", "", NULL, "www.example.org"},
    /* bare address, nothing else: a client without HELO */
    {"from 10.165.130.62 by CNNIMAIL12.example.com (SMTPL release 1.0d) with "
     "TCP; Fri, 1 Sep 2006 20:28:14 -0400",
     "smtp", "10.165.130.62", "", "", NULL, NULL},
    {"from [86.122.158.69] by mta2.example.com; Thu, 2 Aug 2007 21:50:04 "
     "-0200",
     "smtp", "86.122.158.69", "[86.122.158.69]", "", NULL, "mta2.example.com"},
    /* ---- fetchmail and other pseudo-hops ---- */
    {"from localhost [127.0.0.1] by localhost with IMAP (fetchmail-6.2.4) for"
     " z@localhost (single-drop); Mon, 08 Mar 2004 16:13:23 -0800 (PST)",
     "local", "", "localhost", "", NULL, "localhost"},
    {"from pop.example.com [216.136.173.10] by localhost with POP3 "
     "(fetchmail-5.9.13) for p@example.net (single-drop)",
     "local", "", "pop.example.com", "", NULL, NULL},
    {"from localhost (localhost [127.0.0.1]) (uid 500) by mail with local; "
     "Tue, 07 Jan 2003 11:40:47 -0600",
     "local", "", "localhost", "localhost", NULL, "mail"},
    /* ---- shapes of issue 10, item 9 ---- */
    /* ZMailer: from RDNS ([IP]:port "EHLO x" rhost-flags-...) */
    {"from relay.example.org ([192.0.2.30]:42311 \"EHLO mx.example.org\" "
     "rhost-flags-OK-OK-OK-OK) by lists.example.net with ESMTP id "
     "S1030209AbWLOWYn (ORCPT <rfc822;list@example.net>); Fri, 15 Dec 2006 "
     "17:24:43 -0500",
     "smtp", "192.0.2.30", "mx.example.org", "relay.example.org",
     "S1030209AbWLOWYn", "lists.example.net"},
    /* ZMailer, folded inside the quotes, HELO and no rhost-flags */
    {"from relay.example.org ([192.0.2.31]:1234 \"HELO\n\trelay.example.org\")"
     " by lists.example.net with SMTP id S2",
     "smtp", "192.0.2.31", "relay.example.org", "relay.example.org", "S2",
     NULL},
    /* ZMailer without a reverse name */
    {"from [192.0.2.32] ([192.0.2.32]:5555 \"EHLO client.example\" "
     "rhost-flags-FAIL-FAIL-OK-FAIL) by lists.example.net with ESMTP id S3",
     "smtp", "192.0.2.32", "client.example", "", "S3", NULL},
    /* Exchange over IPv6, with a "via Frontend Transport" */
    {"from HOST01.corp.example.com (2001:db8:1::23) by HOST02.corp.example.com"
     " (2001:db8:1::11) with Microsoft SMTP Server (version=TLS1_2, cipher=X)"
     " id 15.20.6745.18 via Frontend Transport; Thu, 31 Aug 2023 10:06:14 "
     "+0000",
     "smtp", "2001:db8:1::23", "HOST01.corp.example.com", "", NULL, NULL},
    /* an address in the name slot is no reverse name */
    {"from 127.0.0.1  (EHLO sender.example.com) (198.51.100.41) by "
     "mta.example.net with SMTP; Fri, 10 Dec 2010 19:20:19 -0800",
     "smtp", "198.51.100.41", "sender.example.com", "", NULL,
     "mta.example.net"},
    /* Smail: by HOST (Smail) from NAME (IP); NAME is the HELO */
    {"by relay.example.de (Smail3.1.29.1)\n\t  from client.example.de "
     "(198.51.100.42) with smtp\n\t  id <m0abcde-000AbcC>; Mon, 23 Dec 96 "
     "00:07 MET",
     "smtp", "198.51.100.42", "client.example.de", "", "<m0abcde-000AbcC>",
     "relay.example.de"},
    /* Exim known by [IP]:port and its message ID, no (Exim x) comment */
    {"from out.example.com ([198.51.100.43]:39047) by mx.example.net with "
     "esmtp id 1Mp3wA-0007kA-Ic for <u@example.net>; Sat, 19 Sep 2009 "
     "21:41:30 +0400",
     "smtp", "198.51.100.43", "out.example.com", "out.example.com",
     "1Mp3wA-0007kA-Ic", "mx.example.net"},
    /* Exim known by its message ID only (version comment masked) */
    {"from out.example.com ([198.51.100.44]) by mx.example.net with esmtps "
     "(TLS1.2:X:256) (MTA 2.20) (envelope-from <a@example.com>) id "
     "1hLICq-00001z-JU for u@example.net; Tue, 30 Apr 2019 02:09:16 +0000",
     "smtp", "198.51.100.44", "out.example.com", "out.example.com", NULL,
     NULL},
    /* Exim 4.97+ message ID (6-11-4) */
    {"from out.example.com ([198.51.100.48]) by mx.example.net with esmtps "
     "id 1rhgSx-00000004Bdj-3Ue4; Tue, 30 Apr 2024 02:09:16 +0000",
     "smtp", "198.51.100.48", "out.example.com", "out.example.com", NULL,
     NULL},
    /* not an Exim ID: a bracketed address without a port stays generic */
    {"from helo.example.com ([198.51.100.49]) by mx.example.net with ESMTP "
     "id 1Mp3wA-0007kA-I",
     "smtp", "198.51.100.49", "helo.example.com", "", NULL, NULL},
    /* LMTP from an outside-looking address: still internal delivery */
    {"from mx.example.net (mx.example.net [203.0.113.50]) by "
     "store.example.net (Cyrus v3.4) with LMTPA; Mon, 2 Nov 2026 00:00:00 "
     "+0000",
     "local", "", "mx.example.net", "mx.example.net", NULL, NULL},
    /* ---- HELOs with junk (issue 10, item 5): kept, bytes as sent ---- */
    {"from BAD HELO (unknown [198.51.100.45]) by mx.example.net (Postfix) "
     "with SMTP id A1",
     "smtp", "198.51.100.45", "BAD HELO", "", "A1", NULL},
    {"from evil;helo (unknown [198.51.100.46]) by mx.example.net (Postfix) "
     "with ESMTP id A2; Mon, 2 Nov 2026 00:00:00 +0000",
     "smtp", "198.51.100.46", "evil;helo", "", "A2", "mx.example.net"},
    {"from evil; helo (unknown [198.51.100.46]) by mx.example.net (Postfix) "
     "with ESMTP id A3; Mon, 2 Nov 2026 00:00:00 +0000",
     "smtp", "198.51.100.46", "evil; helo", "", "A3", "mx.example.net"},
    {"from a\001b\fc (unknown [198.51.100.47]) by mx (Postfix) id A4",
     "smtp", "198.51.100.47", "a\001b\fc", "", "A4", "mx"},
    {"from a)b (unknown [198.51.100.47]) by mx (Postfix) id A5",
     "smtp", "198.51.100.47", "a)b", "", "A5", "mx"},
    {"from a[b (unknown [198.51.100.47]) by mx (Postfix) id A6",
     "smtp", "198.51.100.47", "a[b", "", "A6", "mx"},
    {"from \"ab (unknown [198.51.100.47]) by mx (Postfix) id A7",
     "smtp", "198.51.100.47", "\"ab", "", "A7", "mx"},
    /* an unbalanced '(' glued to the name (the first one only: later ones
     * stay comments, so "a((((..." costs two passes at most) */
    {"from a(b (unknown [198.51.100.47]) by mx (Postfix) id A8",
     "smtp", "198.51.100.47", "a(b", "", "A8", "mx"},
    /* a name of several words is no reverse name (qmail shape) */
    {"from two words (198.51.100.47) by mx with SMTP",
     "smtp", "198.51.100.47", "two words", "", NULL, "mx"},
    /* ---- junk that must not yield a client ---- */
    {"from [Masked] by mailrelay2.example.ca with ESMTP id lxalvkca",
     "none", "", "[Masked]", "", "lxalvkca", NULL},
    {"from Unknown/Local ([?.?.?.?]) by mailcity.com; Fri, 17 Jan 2003 "
     "15:23:29 -0000",
     "none", "", "", "", NULL, NULL},
    {"from example.com ([]) by example.com with ESMTP id 2019091111 ; Thu, 26"
     " Sep 2019 11:19:07 +0200",
     "none", "", "example.com", "", "2019091111", NULL},
    {"", "none", "", "", "", "", ""},
    {"from", "none", "", "", "", "", ""},
    {"from (((((", "none", "", "", "", "", ""},
    {"from x [[[[[[ by y", "none", "", "x", "", "", NULL},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL},
};

/* run_cases - every row of the table. */
static void run_cases(void)
{
    for (const struct rcase *c = cases; c->in != NULL; c++) {
        struct hv_hop h;
        enum hv_hop_kind k = received_parse(c->in, strlen(c->in), &h);
        CHECK_MSG(strcmp(received_kind_name(k), c->kind) == 0,
                  "kind: got %s want %s in [%.60s]", received_kind_name(k),
                  c->kind, c->in);
        CHECK_MSG(strcmp(h.ip, c->ip) == 0, "ip: got [%s] want [%s] in [%.60s]",
                  h.ip, c->ip, c->in);
        CHECK_MSG(h.has_ip == (c->ip[0] != '\0'), "has_ip in [%.60s]", c->in);
        CHECK_MSG(strcmp(h.helo, c->helo) == 0,
                  "helo: got [%s] want [%s] in [%.60s]", h.helo, c->helo, c->in);
        CHECK_MSG(h.has_helo == (c->helo[0] != '\0'), "has_helo in [%.60s]",
                  c->in);
        CHECK_MSG(strcmp(h.rdns, c->rdns) == 0,
                  "rdns: got [%s] want [%s] in [%.60s]", h.rdns, c->rdns, c->in);
        if (c->id != NULL)
            CHECK_MSG(strcmp(h.id, c->id) == 0,
                      "id: got [%s] want [%s] in [%.60s]", h.id, c->id, c->in);
        if (c->by != NULL)
            CHECK_MSG(strcmp(h.by, c->by) == 0,
                      "by: got [%s] want [%s] in [%.60s]", h.by, c->by, c->in);
    }
}

/* test_fields - with, date, the "Received:" prefix, helo sources. */
static void test_fields(void)
{
    struct hv_hop h;
    int64_t want;
    const char *v = "Received: from a.example (b.example [192.0.2.5]) by "
                    "mx.example (Postfix) with ESMTPS id Q1; Tue, 3 Feb 2004 "
                    "11:14:06 -0500";
    received_parse(v, strlen(v), &h);
    CHECK_STREQ(h.with, "ESMTPS");
    CHECK_STREQ(h.from, "a.example");
    CHECK(h.has_date);
    CHECK(tstamp_rfc2822("Tue, 3 Feb 2004 11:14:06 -0500", 30, &want) > 0);
    CHECK_INTEQ(h.ts, want);
    CHECK_INTEQ(h.helo_src, HV_HELO_FROM);
    CHECK_STREQ(h.ip, "192.0.2.5");

    /* the date after the *last* ';' */
    v = "from x (y [192.0.2.6]) (a; b); by z with HTTP; 11 Oct 2005 01:41:34 "
        "-0400";
    received_parse(v, strlen(v), &h);
    CHECK(h.has_date);
    CHECK(tstamp_rfc2822("11 Oct 2005 01:41:34 -0400", 26, &want) > 0);
    CHECK_INTEQ(h.ts, want);
    /* ctime dates (smap) */
    v = "from a(192.0.2.7) via SMTP by b, id c; Sun Nov 13 14:50:12 2005";
    received_parse(v, strlen(v), &h);
    CHECK(h.has_date);
    CHECK(tstamp_ctime("Sun Nov 13 14:50:12 2005", 24, &want) > 0);
    CHECK_INTEQ(h.ts, want);
    /* no ';': no date */
    v = "from LOCALHOST by LOCALHOST with ESMTP id EF01 Mon, 11 Sep 2006 "
        "11:41:10 -0500";
    received_parse(v, strlen(v), &h);
    CHECK(!h.has_date);

    /* explicit, hidden and Exim-3 HELO sources */
    v = "from r.example ([192.0.2.8] helo=h.example) by m (Exim 4.9) id 1";
    received_parse(v, strlen(v), &h);
    CHECK_INTEQ(h.helo_src, HV_HELO_EXPLICIT);
    v = "from r.example ([192.0.2.8]) by m with esmtp (Exim 4.9) id 1";
    received_parse(v, strlen(v), &h);
    CHECK_INTEQ(h.helo_src, HV_HELO_HIDDEN);
    CHECK_STREQ(h.helo, "r.example");
    CHECK_STREQ(h.rdns, "r.example");
    /* qmail "from RDNS (IP)": the HELO is hidden too */
    v = "from q.example (192.0.2.8) by m with SMTP; 1 Nov 2003 07:05:19 -0000";
    received_parse(v, strlen(v), &h);
    CHECK_INTEQ(h.helo_src, HV_HELO_HIDDEN);
    CHECK_STREQ(h.helo, "q.example");
    /* Exim known by [IP]:port, and by its message ID */
    v = "from r.example ([192.0.2.8]:25) by m with esmtp id 1";
    received_parse(v, strlen(v), &h);
    CHECK_INTEQ(h.helo_src, HV_HELO_HIDDEN);
    v = "from r.example ([192.0.2.8]) by m with esmtp id 1Mp3wA-0007kA-Ic";
    received_parse(v, strlen(v), &h);
    CHECK_INTEQ(h.helo_src, HV_HELO_HIDDEN);
    /* an explicit HELO is never hidden, a Postfix one never either */
    v = "from r.example ([192.0.2.8]:25 \"EHLO r.example\") by m id S1";
    received_parse(v, strlen(v), &h);
    CHECK_INTEQ(h.helo_src, HV_HELO_EXPLICIT);
    v = "from r.example (r.example [192.0.2.8]) by m (Postfix) id Q";
    received_parse(v, strlen(v), &h);
    CHECK_INTEQ(h.helo_src, HV_HELO_FROM);
    v = "from r.example (h.example) [192.0.2.8] by m with smtp (Exim 3.3)";
    received_parse(v, strlen(v), &h);
    CHECK_INTEQ(h.helo_src, HV_HELO_COMMENT);
    CHECK_STREQ(h.helo, "h.example");

    /* mapped IPv4 and uppercase keywords */
    v = "FROM cs.example.fi ([::ffff:218.11.152.141]) BY mail.example.fi ID "
        "q ; 18 Aug 2003 15:37:48 +0300";
    received_parse(v, strlen(v), &h);
    CHECK_STREQ(h.ip, "218.11.152.141");
    CHECK_STREQ(h.by, "mail.example.fi");
    CHECK_STREQ(h.id, "q");
    /* a name that looks like an address before the real literal */
    v = "from x (1.2.3.4 [192.0.2.9]) by y";
    received_parse(v, strlen(v), &h);
    CHECK_STREQ(h.ip, "192.0.2.9");
    CHECK_STREQ(h.rdns, "");
}

/* test_hostile - bounded work and memory on hostile values. */
static void test_hostile(void)
{
    struct hv_hop h;
    size_t n = 65536;
    char *buf = malloc(n + 64);
    CHECK(buf != NULL);
    if (buf == NULL)
        return;

    /* 64 KiB of nested parentheses after a valid start */
    size_t k = (size_t)snprintf(buf, 64, "from a.example ([192.0.2.10]) ");
    memset(buf + k, '(', n - k);
    received_parse(buf, n, &h);
    CHECK_STREQ(h.ip, "192.0.2.10");
    CHECK_STREQ(h.helo, "a.example");
    /* balanced deep nesting inside the from clause */
    k = (size_t)snprintf(buf, 64, "from b.example ");
    size_t half = (n - k - 64) / 2;
    memset(buf + k, '(', half);
    memset(buf + k + half, ')', half);
    size_t m = k + 2 * half;
    m += (size_t)snprintf(buf + m, 64, " ([192.0.2.11]) by c");
    received_parse(buf, m, &h);
    CHECK_STREQ(h.ip, "192.0.2.11");
    CHECK_STREQ(h.by, "c");
    /* unbalanced brackets everywhere (linear, not quadratic) */
    k = (size_t)snprintf(buf, 64, "from ");
    memset(buf + k, '[', n - k);
    received_parse(buf, n, &h);
    CHECK(!h.has_ip);
    memset(buf, ']', n);
    received_parse(buf, n, &h);
    CHECK_INTEQ(h.kind, HV_HOP_NONE);
    /* a HELO longer than HV_HELO_MAX is kept cut to HV_HELO_MAX, flagged */
    k = (size_t)snprintf(buf, 64, "from ");
    memset(buf + k, 'a', 2000);
    k += 2000;
    k += (size_t)snprintf(buf + k, 64, " (x [192.0.2.12]) by y");
    received_parse(buf, k, &h);
    CHECK(h.has_helo);
    CHECK(h.helo_truncated);
    CHECK_INTEQ(strlen(h.helo), HV_HELO_MAX);
    CHECK(h.helo[0] == 'a' && h.helo[HV_HELO_MAX - 1] == 'a');
    CHECK_STREQ(h.ip, "192.0.2.12");
    /* exactly HV_HELO_MAX bytes: kept whole, not flagged */
    k = (size_t)snprintf(buf, 64, "from ");
    memset(buf + k, 'b', HV_HELO_MAX);
    k += HV_HELO_MAX;
    k += (size_t)snprintf(buf + k, 64, " (x [192.0.2.12]) by y");
    received_parse(buf, k, &h);
    CHECK(!h.helo_truncated);
    CHECK_INTEQ(strlen(h.helo), HV_HELO_MAX);
    /* many ';' in the from clause: linear, and the HELO is kept */
    k = (size_t)snprintf(buf, 64, "from ");
    while (k + 2 < n - 64) {
        memcpy(buf + k, "a;", 2);
        k += 2;
    }
    k += (size_t)snprintf(buf + k, 64, " (x [192.0.2.14]) by y");
    received_parse(buf, k, &h);
    CHECK_STREQ(h.ip, "192.0.2.14");
    CHECK(h.helo_truncated);
    /* "a(a(a(..." with no ')': the first glued '(' is a word byte, the
     * rest one comment (two passes, not one per '(') */
    k = (size_t)snprintf(buf, 64, "from ");
    for (; k + 2 < n; k += 2)
        memcpy(buf + k, "a(", 2);
    received_parse(buf, k, &h);
    CHECK(!h.has_ip);
    CHECK_STREQ(h.helo, "a");   /* no address follows: the first word */
    /* many '"' and '[' that never close: linear, no client invented */
    k = (size_t)snprintf(buf, 64, "from ");
    for (; k + 2 < n; k += 2)
        memcpy(buf + k, k % 4 ? "\"a" : "[a", 2);
    received_parse(buf, n, &h);
    CHECK(!h.has_ip);
    /* NUL bytes and control characters count as separators or text */
    const char nul[] = "from a\0b (c [192.0.2.13])\r\n\tby d";
    received_parse(nul, sizeof(nul) - 1, &h);
    CHECK_STREQ(h.ip, "192.0.2.13");
    CHECK_STREQ(h.by, "d");
    /* 64 KiB of words: bounded from-clause token list */
    k = 0;
    k += (size_t)snprintf(buf, 64, "from a ");
    while (k + 8 < n) {
        memcpy(buf + k, "w w w w ", 8);
        k += 8;
    }
    received_parse(buf, k, &h);
    CHECK_STREQ(h.helo, "a");
    CHECK(!h.has_ip);
    free(buf);
}

int main(void)
{
    run_cases();
    test_fields();
    test_hostile();
    return CHECK_DONE();
}
