<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AdjustCardDialog</name>
    <message>
        <location filename="../../ui/members/card.py" line="518" />
        <source>Adjust card — %1</source>
        <translation>调整储值卡 — %1</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="520" />
        <source>On the card now</source>
        <translation>卡内现有</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="529" />
        <source>e.g. +50 or -12.50</source>
        <translation>例如 +50 或 -12.50</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="533" />
        <source>Paid balance (¥ + / −)</source>
        <translation>实付余额（¥ + / −）</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="534" />
        <source>Bonus balance (¥ + / −)</source>
        <translation>赠送余额（¥ + / −）</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="535" />
        <source>Reason *</source>
        <translation>原因 *</translation>
    </message>
</context>
<context>
    <name>AdminPage</name>
    <message>
        <location filename="../../ui/admin/page.py" line="210" />
        <source>Add staff…</source>
        <translation>添加员工…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="212" />
        <source>Disable / enable</source>
        <translation>停用 / 启用</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="214" />
        <source>Reset password…</source>
        <translation>重设密码…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="227" />
        <source>All actions</source>
        <translation>全部操作</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="231" />
        <source>Verify the chain</source>
        <translation>校验日志链</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="245" />
        <source>Use this folder</source>
        <translation>使用此文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="247" />
        <source>Back up now</source>
        <translation>立即备份</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="250" />
        <source>Restore selected at next start…</source>
        <translation>下次启动时恢复所选备份…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="254" />
        <source>Cancel the restore</source>
        <translation>取消恢复</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="264" />
        <source>Backup folder</source>
        <translation>备份文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="278" />
        <source>Staff</source>
        <translation>员工</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="279" />
        <source>Audit trail</source>
        <translation>操作日志</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="280" />
        <source>Backups</source>
        <translation>备份</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="286" />
        <source>Export members…</source>
        <translation>导出会员…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="288" />
        <source>Import members…</source>
        <translation>导入会员…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="296" />
        <source>Columns: name, phone, gender, birthday, card_no, preferences, allergies, notes, tags (separated by ;). Chinese headers such as 姓名, 手机号 work too. Each bad row is listed below with its line and reason; the good rows are added.</source>
        <translation>列：name, phone, gender, birthday, card_no, preferences, allergies, notes, tags（用 ; 分隔）。也可以用中文表头，如 姓名、手机号。有问题的行会在下方列出行号和原因；其余的行照常导入。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="305" />
        <source>Members CSV</source>
        <translation>会员表格 CSV</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="314" />
        <source>Export members</source>
        <translation>导出会员</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="320" />
        <source>%1 members exported to %2.</source>
        <translation>已导出 %1 位会员到 %2。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="327" />
        <source>Import members</source>
        <translation>导入会员</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="334" />
        <source>Line %1: %2</source>
        <translation>第 %1 行：%2</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="341" />
        <source>%1 members imported, %2 rows refused (listed below).</source>
        <translation>已导入 %1 位会员，%2 行未导入（见下方）。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="376" />
        <source>%1 will be restored when Frontdesk next starts. Until then you can cancel.</source>
        <translation>下次启动前台助手时将恢复 %1。在此之前可以取消。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="397" />
        <source>Choose a staff member in the list first.</source>
        <translation>请先在列表中选择一名员工。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="408" />
        <source>%1 can sign in again.</source>
        <translation>%1 可以重新登录了。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="410" />
        <source>%1 can no longer sign in.</source>
        <translation>%1 已不能登录。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="425" />
        <source>New password set for %1; they can sign in with it now.</source>
        <translation>已为 %1 设置新密码，现在即可用新密码登录。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="438" />
        <source>The audit trail is intact.</source>
        <translation>操作日志完整，未被篡改。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="441" />
        <source>The audit trail was altered at entry %1.</source>
        <translation>操作日志在第 %1 条被改动过。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="448" />
        <source>Backups will be written to %1.</source>
        <translation>备份将写入 %1。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="456" />
        <source>Backup written: %1</source>
        <translation>已备份：%1</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="464" />
        <source>Choose a backup first.</source>
        <translation>请先选择一个备份。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="469" />
        <source>This backup is damaged and cannot be restored: %1</source>
        <translation>此备份已损坏，无法恢复：%1</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="477" />
        <source>Restore the backup taken %1?

It holds %2 members, %3 visits, %4 complaints and %5 coupons; its last visit was %6.

Everything entered after it will be replaced when Frontdesk next starts (the current data is kept beside it, and the audit trail keeps what happened). You can cancel until then.</source>
        <translation>恢复 %1 的备份吗？

其中有 %2 位会员、%3 次到店、%4 条投诉、%5 张优惠券；最后一次到店是 %6。

下次启动前台助手时，备份之后录入的内容都会被替换（当前数据会另存一份，操作日志保留所发生的一切）。在此之前可以取消。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="495" />
        <source>Restore a backup</source>
        <translation>恢复备份</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="507" />
        <source>Nothing was scheduled.</source>
        <translation>未安排任何恢复。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="510" />
        <source>The restore is scheduled for the next start.</source>
        <translation>已安排在下次启动时恢复。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="520" />
        <source>The scheduled restore was cancelled; nothing will change.</source>
        <translation>已取消安排的恢复，数据不会改变。</translation>
    </message>
</context>
<context>
    <name>AuditModel</name>
    <message>
        <location filename="../../ui/admin/page.py" line="90" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="91" />
        <source>Staff</source>
        <translation>员工</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="92" />
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="93" />
        <source>Target</source>
        <translation>对象</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="94" />
        <source>Detail</source>
        <translation>详情</translation>
    </message>
</context>
<context>
    <name>BackupModel</name>
    <message>
        <location filename="../../ui/admin/page.py" line="107" />
        <source>Taken</source>
        <translation>备份时间</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="107" />
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="107" />
        <source>Size</source>
        <translation>大小</translation>
    </message>
</context>
<context>
    <name>CampaignDialog</name>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="149" />
        <source>New campaign</source>
        <translation>新建活动</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="158" />
        <source>e.g. 十一月生日礼</source>
        <translation>如 十一月生日礼</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="159" />
        <source>Campaign</source>
        <translation>活动</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="160" />
        <source>Name *</source>
        <translation>名称 *</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="165" />
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="166" />
        <source>At most (coupons)</source>
        <translation>最多发放（张）</translation>
    </message>
</context>
<context>
    <name>CampaignTableModel</name>
    <message>
        <location filename="../../ui/coupons/page.py" line="57" />
        <source>Campaign</source>
        <translation>活动</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="58" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="59" />
        <source>Offer</source>
        <translation>充值活动</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="60" />
        <source>Coupons issued</source>
        <translation>已发放（张）</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="61" />
        <source>Coupons redeemed</source>
        <translation>已核销（张）</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="62" />
        <source>Redemption rate</source>
        <translation>核销率</translation>
    </message>
</context>
<context>
    <name>CardLedgerModel</name>
    <message>
        <location filename="../../ui/members/card.py" line="129" />
        <source>No.</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="130" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="131" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="132" />
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="133" />
        <source>Balance after</source>
        <translation>充值后余额</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="134" />
        <source>Paid by</source>
        <translation>付款方式</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="135" />
        <source>Staff</source>
        <translation>员工</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="136" />
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="137" />
        <source>Buyer</source>
        <translation>购卡人</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="142" />
        <source>(voided)</source>
        <translation>（已作废）</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="149" />
        <source>Void of no. %1</source>
        <translation>作废 %1 号</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="156" />
        <source>(paid back %1)</source>
        <translation>（退款 %1）</translation>
    </message>
</context>
<context>
    <name>CarePage</name>
    <message>
        <location filename="../../ui/care/page.py" line="185" />
        <source>Invite back: we miss you</source>
        <translation>邀请回店：好久不见</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="188" />
        <source>Birthday greeting</source>
        <translation>生日问候</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="194" />
        <source>Ask how the complaint was handled</source>
        <translation>回访投诉处理情况</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="205" />
        <source>Call done…</source>
        <translation>已回访…</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="214" />
        <source>Run tier and segment review now</source>
        <translation>立即重新评定等级和分群</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="221" />
        <source>Tiers…</source>
        <translation>会员等级…</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="231" />
        <location filename="../../ui/care/page.py" line="277" />
        <source>Lapsing</source>
        <translation>流失预警</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="232" />
        <location filename="../../ui/care/page.py" line="278" />
        <source>Birthdays this week</source>
        <translation>本周生日</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="233" />
        <location filename="../../ui/care/page.py" line="279" />
        <source>After a complaint</source>
        <translation>投诉后关怀</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="234" />
        <location filename="../../ui/care/page.py" line="280" />
        <source>Calls due</source>
        <translation>待回访</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="235" />
        <source>Tiers and segments</source>
        <translation>等级与分群</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="295" />
        <source>Revenue in the last 12 months by tier</source>
        <translation>近 12 个月各等级营收</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="296" />
        <source>RFM segments (R recency, F frequency, M spend; 3 = best)</source>
        <translation>RFM 分群（R 最近到店，F 频次，M 消费；3 为最好）</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="297" />
        <source>Satisfaction by month (share of 4-5 scores)</source>
        <translation>每月满意度（4-5 分占比）</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="298" />
        <source>No review yet: run one to see segments.</source>
        <translation>尚未评定：运行一次即可查看分群。</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="324" />
        <source>%1 follow-up calls scheduled for %2.</source>
        <translation>已安排 %1 个回访电话，日期 %2。</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="332" />
        <source>Print them on the Coupons page (F6).</source>
        <translation>请到优惠券页（F6）打印。</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="339" />
        <source>Select a call first.</source>
        <translation>请先选择一条回访。</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="383" />
        <source>Reading visits…</source>
        <translation>正在读取消费记录…</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="383" />
        <source>Members %1 / %2</source>
        <translation>会员 %1 / %2</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="389" />
        <source>Review done: %1 members, %2 up, %3 down, %4 s.</source>
        <translation>评定完成：%1 位会员，升级 %2，降级 %3，用时 %4 秒。</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="401" />
        <source>The review stopped before the end; run it again. Details are in the log.</source>
        <translation>评定中途停止，请重新运行。详细信息已写入日志。</translation>
    </message>
</context>
<context>
    <name>ComplaintDialog</name>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="48" />
        <source>Log complaint</source>
        <translation>登记投诉</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="57" />
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="60" />
        <source>optional</source>
        <translation>选填</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="65" />
        <source>What happened, in the guest's words</source>
        <translation>发生了什么（按客人的原话记录）</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="71" />
        <source>Guest name</source>
        <translation>客人姓名</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="72" />
        <source>Guest phone</source>
        <translation>客人电话</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="75" />
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="76" />
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="77" />
        <source>Severity</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="78" />
        <source>Description *</source>
        <translation>投诉内容 *</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="98" />
        <source>Urgent: a solution is due within %1 minutes; the manager is alerted at once.</source>
        <translation>紧急：须在 %1 分钟内解决，并立即通知经理。</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="101" />
        <source>First response due within %1 minutes.</source>
        <translation>须在 %1 分钟内首次回应客人。</translation>
    </message>
</context>
<context>
    <name>ComplaintTableModel</name>
    <message>
        <location filename="../../ui/complaints/models.py" line="81" />
        <source>Overdue %1</source>
        <translation>已超时 %1</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/models.py" line="82" />
        <source>%1h %2m</source>
        <translation>%1小时%2分</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/models.py" line="83" />
        <source>%1d %2h</source>
        <translation>%1天%2小时</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/models.py" line="53" />
        <source>No.</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/models.py" line="54" />
        <source>Guest</source>
        <translation>客人</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/models.py" line="55" />
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/models.py" line="56" />
        <source>Severity</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/models.py" line="57" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/models.py" line="58" />
        <source>Next deadline</source>
        <translation>下一时限</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/models.py" line="59" />
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/models.py" line="60" />
        <source>Assignee</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/models.py" line="61" />
        <source>Logged</source>
        <translation>登记时间</translation>
    </message>
</context>
<context>
    <name>ComplaintsPage</name>
    <message>
        <location filename="../../ui/complaints/page.py" line="76" />
        <source>Log complaint (Ctrl+L)</source>
        <translation>登记投诉 (Ctrl+L)</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/page.py" line="80" />
        <source>SLA report</source>
        <translation>时限报表</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/page.py" line="82" />
        <source>SLA policy…</source>
        <translation>时限设置…</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/page.py" line="114" />
        <source>&amp;Respond</source>
        <translation>回应(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/page.py" line="115" />
        <source>&amp;Investigate</source>
        <translation>调查(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/page.py" line="116" />
        <source>&amp;Answer</source>
        <translation>答复(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/page.py" line="117" />
        <source>&amp;Close</source>
        <translation>结案(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/page.py" line="118" />
        <source>Re&amp;open</source>
        <translation>重新打开(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/page.py" line="119" />
        <source>&amp;Escalate</source>
        <translation>升级(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/page.py" line="120" />
        <source>&amp;Note</source>
        <translation>备注(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/page.py" line="121" />
        <source>Com&amp;pensation coupon</source>
        <translation>补偿券(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/page.py" line="130" />
        <source>Complaint</source>
        <translation>投诉</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/page.py" line="246" />
        <source>Open: %1    Overdue: %2</source>
        <translation>未结：%1    超时：%2</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/page.py" line="278" />
        <source>No complaint selected.</source>
        <translation>未选择投诉。</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/page.py" line="288" />
        <source>assignee</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/page.py" line="289" />
        <source>due</source>
        <translation>截止</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/page.py" line="298" />
        <source>met %1</source>
        <translation>%1 完成</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/page.py" line="299" />
        <source>(late)</source>
        <translation>（超时）</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/page.py" line="302" />
        <source>missed</source>
        <translation>已超时</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/page.py" line="304" />
        <source>open</source>
        <translation>进行中</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/page.py" line="310" />
        <source>urgent case</source>
        <translation>紧急投诉</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/page.py" line="310" />
        <source>by staff</source>
        <translation>员工手动</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/page.py" line="316" />
        <source>%1 overdue</source>
        <translation>%1超时</translation>
    </message>
</context>
<context>
    <name>CouponDialog</name>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="109" />
        <source>Compensation coupon</source>
        <translation>补偿券</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="109" />
        <source>New coupon</source>
        <translation>新建优惠券</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="117" />
        <source>member no., card or phone; empty = bearer</source>
        <translation>会员号、卡号或手机号；留空为不记名券</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="120" />
        <source>For member</source>
        <translation>发给会员</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="134" />
        <source>No member with that number, card or phone.</source>
        <translation>没有找到这个会员号、卡号或手机号对应的会员。</translation>
    </message>
</context>
<context>
    <name>CouponsPage</name>
    <message>
        <location filename="../../ui/coupons/page.py" line="110" />
        <source>Scan or type the coupon code</source>
        <translation>扫描或输入券码</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="114" />
        <source>bill (¥)</source>
        <translation>账单金额（¥）</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="118" />
        <location filename="../../ui/coupons/page.py" line="124" />
        <source>Redeem</source>
        <translation>核销</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="139" />
        <source>New coupon…</source>
        <translation>新建优惠券…</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="140" />
        <source>New campaign…</source>
        <translation>新建活动…</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="141" />
        <source>Issue campaign…</source>
        <translation>发放活动券…</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="142" />
        <source>Print campaign</source>
        <translation>打印活动券</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="143" />
        <source>Void coupon…</source>
        <translation>作废优惠券…</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="152" />
        <source>Print as</source>
        <translation>打印格式</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="157" />
        <source>then print it</source>
        <translation>发券后立即打印</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="158" />
        <source>then open the PDF</source>
        <translation>发券后打开 PDF</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="159" />
        <source>then only save the PDF</source>
        <translation>发券后仅保存 PDF</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="168" />
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="169" />
        <source>Open PDF</source>
        <translation>打开 PDF</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="170" />
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="196" />
        <source>Campaigns</source>
        <translation>营销活动</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="202" />
        <location filename="../../ui/coupons/page.py" line="234" />
        <source>Scan a coupon: its details show here before you redeem it.</source>
        <translation>请扫描优惠券：核销前会在这里显示券的详情。</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="278" />
        <source>bearer coupon</source>
        <translation>不记名券</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="280" />
        <source>valid %1 to %2</source>
        <translation>有效期 %1 至 %2</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="287" />
        <source>minimum bill %1</source>
        <translation>最低消费 %1</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="330" />
        <source>Redeemed %1. Discount %2, to pay %3.</source>
        <translation>已核销 %1。优惠 %2，应付 %3。</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="335" />
        <source>Give: %1</source>
        <translation>请赠送：%1</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="386" />
        <source>Issued %1: %2</source>
        <translation>已发放 %1：%2</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="410" />
        <source>Campaign %1 created. Choose Issue campaign… to give out its coupons.</source>
        <translation>活动“%1”已创建。点“发放活动券…”即可发券。</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="419" />
        <location filename="../../ui/coupons/page.py" line="438" />
        <source>Choose a campaign in the list first.</source>
        <translation>请先在列表中选择一个活动。</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="497" />
        <source>%1 coupons saved as %2.</source>
        <translation>%1 张券已保存为 %2。</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="510" />
        <source>Printed on %1.</source>
        <translation>已在 %1 打印。</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="511" />
        <source>Opened in the PDF viewer to print.</source>
        <translation>已在 PDF 阅读器中打开，可从那里打印。</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="512" />
        <source>Use Print or Open PDF below when needed.</source>
        <translation>需要时请用下方的“打印”或“打开 PDF”。</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="514" />
        <source>No printer is chosen in the settings and no PDF viewer opens on this PC: use Open folder and print the file from there.</source>
        <translation>设置中没有选择打印机，这台电脑也打不开 PDF 阅读器：请点“打开文件夹”，从那里打印文件。</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="447" />
        <source>This campaign has no unused coupons to print.</source>
        <translation>该活动没有可打印的未使用券。</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="465" />
        <source>Rendering coupons…</source>
        <translation>正在生成优惠券…</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="465" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="494" />
        <source>Printing cancelled; no file was written.</source>
        <translation>已取消打印，没有生成文件。</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/page.py" line="552" />
        <source>Voided %1.</source>
        <translation>已作废 %1。</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <location filename="../../ui/dashboard/page.py" line="149" />
        <source>Custom dates</source>
        <translation>自定义日期</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="154" />
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="155" />
        <source>Report PDF…</source>
        <translation>导出报表 PDF…</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="156" />
        <source>Report CSV…</source>
        <translation>导出报表 CSV…</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="159" />
        <source>Period</source>
        <translation>期间</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="171" />
        <source>Satisfaction</source>
        <translation>满意度</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="172" />
        <source>SLA on time</source>
        <translation>投诉时效达成</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="173" />
        <source>Retention</source>
        <translation>按期回访率</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="175" />
        <location filename="../../ui/dashboard/page.py" line="464" />
        <source>Revenue</source>
        <translation>营业额</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="176" />
        <source>New members</source>
        <translation>新会员</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="177" />
        <source>Complaints</source>
        <translation>投诉</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="181" />
        <source>Card recharges</source>
        <translation>储值充值</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="182" />
        <source>Bonus given</source>
        <translation>赠送金额</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="183" />
        <source>Paid from cards</source>
        <translation>储值消费</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="184" />
        <source>Card refunds</source>
        <translation>退卡退款</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="185" />
        <source>Owed on cards (liability)</source>
        <translation>储值余额（负债）</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="235" />
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="236" />
        <source>Last month</source>
        <translation>上月</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="237" />
        <source>This quarter</source>
        <translation>本季度</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="238" />
        <source>This year</source>
        <translation>今年</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="239" />
        <source>Last 30 days</source>
        <translation>近 30 天</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="240" />
        <source>Last 12 months</source>
        <translation>近 12 个月</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="308" />
        <source>Counting past visits for the dashboard…</source>
        <translation>正在统计历史到店数据…</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="326" />
        <location filename="../../ui/dashboard/page.py" line="376" />
        <location filename="../../ui/dashboard/page.py" line="406" />
        <source>before %1</source>
        <translation>上期 %1</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="332" />
        <source>target %1</source>
        <translation>目标 %1</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="339" />
        <source>Surveys: %1</source>
        <translation>调查 %1 份</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="347" />
        <source>Deadlines: %1</source>
        <translation>时限 %1 个</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="354" />
        <source>Return visits: %1</source>
        <translation>回头到店 %1 次</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="362" />
        <source>Coupons: %1</source>
        <translation>发券 %1 张</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="367" />
        <source>Visits: %1</source>
        <translation>到店 %1 次</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="369" />
        <source>Average bill: %1</source>
        <translation>客单价 %1</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="424" />
        <source>%1 of the money paid in</source>
        <translation>占实付金额的 %1</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="430" />
        <location filename="../../ui/dashboard/page.py" line="443" />
        <source>Principal: %1</source>
        <translation>实付：%1</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="431" />
        <source>Bonus: %1</source>
        <translation>赠送：%1</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="437" />
        <source>Bonus written off: %1</source>
        <translation>作废赠送：%1</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="444" />
        <source>Cards holding a balance: %1</source>
        <translation>有余额的卡：%1 张</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="455" />
        <source>Complaints by category</source>
        <translation>投诉类别</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="458" />
        <source>Complaints by channel</source>
        <translation>投诉渠道</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="463" />
        <source>Revenue by month (¥)</source>
        <translation>月度营业额（元）</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="492" />
        <source>Revenue share by tier</source>
        <translation>各等级营业额占比</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="509" />
        <source>SLA on time by stage (target %1%)</source>
        <translation>各环节时效达成率（目标 %1%）</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="536" />
        <source>Redemption by campaign (target %1%)</source>
        <translation>各活动核销率（目标 %1%）</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="535" />
        <source>Single coupons</source>
        <translation>单张发放</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="174" />
        <source>Redemption</source>
        <translation>优惠券核销率</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="391" />
        <source>As of %1</source>
        <translation>数据时间 %1</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="628" />
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/page.py" line="635" />
        <location filename="../../ui/dashboard/page.py" line="647" />
        <source>Save report</source>
        <translation>保存报表</translation>
    </message>
</context>
<context>
    <name>DrillDialog</name>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="46" />
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="47" />
        <source>Logged / joined</source>
        <translation>登记/入会时间</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="48" />
        <source>Issued</source>
        <translation>发放时间</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="49" />
        <source>Redeemed</source>
        <translation>核销时间</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="50" />
        <source>Member no.</source>
        <translation>会员号</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="51" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="52" />
        <source>Score</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="53" />
        <source>Comment</source>
        <translation>评价</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="54" />
        <source>Days since last visit</source>
        <translation>距上次到店（天）</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="55" />
        <source>Usual interval (days)</source>
        <translation>平时间隔（天）</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="56" />
        <source>On time</source>
        <translation>按时</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="57" />
        <location filename="../../ui/dashboard/drill.py" line="103" />
        <source>Visits in the period</source>
        <translation>期间内的到店记录</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="58" />
        <source>Total spend</source>
        <translation>累计消费</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="59" />
        <source>Tier</source>
        <translation>等级</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="60" />
        <source>Spend, 12 months</source>
        <translation>近 12 个月消费</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="61" />
        <source>Visits, 12 months</source>
        <translation>近 12 个月到店</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="62" />
        <source>Ref.</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="63" />
        <source>Guest</source>
        <translation>客人</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="64" />
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="65" />
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="66" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="67" />
        <source>Stage</source>
        <translation>环节</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="68" />
        <source>Due</source>
        <translation>时限</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="69" />
        <source>Met</source>
        <translation>完成时间</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="70" />
        <source>Code</source>
        <translation>券码</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="71" />
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="72" />
        <source>Items</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="73" />
        <source>Entry</source>
        <translation>流水</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="74" />
        <source>Paid in</source>
        <translation>实付充值</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="75" />
        <source>Paid back</source>
        <translation>退款</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="76" />
        <source>Principal ±</source>
        <translation>实付 ±</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="77" />
        <source>Bonus ±</source>
        <translation>赠送 ±</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="78" />
        <source>Principal after</source>
        <translation>实付余额</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="79" />
        <source>Bonus after</source>
        <translation>赠送余额</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="80" />
        <source>Staff</source>
        <translation>员工</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="81" />
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="82" />
        <source>Principal</source>
        <translation>实付</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="83" />
        <source>Bonus</source>
        <translation>赠送</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="84" />
        <source>Balance</source>
        <translation>余额</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="85" />
        <source>Last used</source>
        <translation>最近使用</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="92" />
        <source>Recharge</source>
        <translation>充值</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="93" />
        <source>Recharge (voided)</source>
        <translation>充值（已作废）</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="94" />
        <source>Payment</source>
        <translation>消费</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="95" />
        <source>Payment (voided)</source>
        <translation>消费（已作废）</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="96" />
        <source>Refund</source>
        <translation>退卡</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="97" />
        <source>Void</source>
        <translation>作废</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="104" />
        <source>Surveys</source>
        <translation>满意度调查</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="105" />
        <source>Return visits</source>
        <translation>回头客到店</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="106" />
        <source>New members</source>
        <translation>新会员</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="107" />
        <source>Members of the tier, by 12-month spend</source>
        <translation>该等级会员（按近 12 个月消费排序）</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="108" />
        <location filename="../../ui/dashboard/drill.py" line="109" />
        <source>Complaints</source>
        <translation>投诉</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="110" />
        <source>Complaint deadlines</source>
        <translation>投诉时限</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="111" />
        <source>Coupons</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="112" />
        <source>Card recharges</source>
        <translation>储值充值</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="113" />
        <source>Paid from cards</source>
        <translation>储值消费</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="114" />
        <source>Card refunds</source>
        <translation>退卡退款</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="115" />
        <source>Cards holding a balance at the end of the period</source>
        <translation>期末有余额的储值卡</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="179" />
        <source>Return visits after the usual interval</source>
        <translation>超过平时间隔才回来的到店</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="181" />
        <source>Surveys scoring 1-3</source>
        <translation>1-3 分的调查</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="183" />
        <source>Recharges with a bonus</source>
        <translation>带赠送的充值</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="207" />
        <source>Rows: %1</source>
        <translation>共 %1 条</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="209" />
        <source>the first %1 are shown</source>
        <translation>仅显示前 %1 条</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="213" />
        <source>Save as CSV…</source>
        <translation>另存为 CSV…</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="240" />
        <source>saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard/drill.py" line="246" />
        <source>Save the list</source>
        <translation>保存列表</translation>
    </message>
</context>
<context>
    <name>FollowUpDialog</name>
    <message>
        <location filename="../../ui/care/dialogs.py" line="41" />
        <source>Schedule follow-up call (%1 members)</source>
        <translation>安排回访（%1 位会员）</translation>
    </message>
    <message>
        <location filename="../../ui/care/dialogs.py" line="56" />
        <source>Call on</source>
        <translation>回访日期</translation>
    </message>
    <message>
        <location filename="../../ui/care/dialogs.py" line="57" />
        <source>Who calls</source>
        <translation>回访人</translation>
    </message>
    <message>
        <location filename="../../ui/care/dialogs.py" line="58" />
        <source>Purpose *</source>
        <translation>回访目的 *</translation>
    </message>
</context>
<context>
    <name>FollowUpTableModel</name>
    <message>
        <location filename="../../ui/care/page.py" line="43" />
        <source>Due</source>
        <translation>时限</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="44" />
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="45" />
        <source>Phone</source>
        <translation>手机</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="46" />
        <source>Purpose</source>
        <translation>回访目的</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="47" />
        <source>Who calls</source>
        <translation>回访人</translation>
    </message>
</context>
<context>
    <name>FormDialog</name>
    <message>
        <location filename="../../ui/forms.py" line="53" />
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../ui/forms.py" line="54" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/forms.py" line="60" />
        <source>Save (Enter, or Ctrl+Enter in a text box)</source>
        <translation>保存（回车；在多行文本框中按 Ctrl+回车）</translation>
    </message>
</context>
<context>
    <name>IssueCampaignDialog</name>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="198" />
        <source>Issue coupons — %1</source>
        <translation>发放优惠券 — %1</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="206" />
        <source>Birthdays from</source>
        <translation>生日在</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="207" />
        <source>No visit for</source>
        <translation>超过</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="208" />
        <source>These members</source>
        <translation>指定会员</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="220" />
        <source> days without a visit</source>
        <translation> 天未到店</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="222" />
        <source>member nos., cards or phones, comma separated</source>
        <translation>会员号、卡号或手机号，用逗号分隔</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="226" />
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="256" />
        <source>Issue</source>
        <translation>发放</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="287" />
        <source>%1 members will get a coupon (members who already have theirs are skipped).</source>
        <translation>将有 %1 位会员收到优惠券（已领取过的会员会跳过）。</translation>
    </message>
</context>
<context>
    <name>IssueToSelectionDialog</name>
    <message>
        <location filename="../../ui/care/dialogs.py" line="125" />
        <source>Issue coupons to %1 members</source>
        <translation>给 %1 位会员发券</translation>
    </message>
    <message>
        <location filename="../../ui/care/dialogs.py" line="136" />
        <source>Campaign</source>
        <translation>活动</translation>
    </message>
    <message>
        <location filename="../../ui/care/dialogs.py" line="138" />
        <source>Issue</source>
        <translation>发放</translation>
    </message>
    <message>
        <location filename="../../ui/care/dialogs.py" line="140" />
        <source>Create a campaign on the Coupons page (F6) first.</source>
        <translation>请先在优惠券页面（F6）创建活动。</translation>
    </message>
</context>
<context>
    <name>LiveLink</name>
    <message>
        <location filename="../../ui/live.py" line="45" />
        <source>Server connected</source>
        <translation>服务器已连接</translation>
    </message>
    <message>
        <location filename="../../ui/live.py" line="49" />
        <source>Server unreachable — retrying…</source>
        <translation>服务器连接不上，正在重试…</translation>
    </message>
    <message>
        <location filename="../../ui/live.py" line="53" />
        <source>%1 does not answer. What you type is kept; saving works again as soon as it is back.</source>
        <translation>%1 没有响应。已输入的内容会保留；服务器恢复后即可继续保存。</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../ui/login.py" line="84" />
        <source>Locked — sign in to continue</source>
        <translation>已锁定 — 请登录后继续</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="84" />
        <location filename="../../ui/login.py" line="96" />
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="92" />
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="93" />
        <source>Password</source>
        <translation>密码</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="621" />
        <source>Frontdesk</source>
        <translation>前台助手</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="102" />
        <source>Members  F1</source>
        <translation>会员  F1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="103" />
        <location filename="../../ui/main_window.py" line="499" />
        <source>Complaints  F4</source>
        <translation>投诉  F4</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="104" />
        <source>Coupons  F6</source>
        <translation>优惠券  F6</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="105" />
        <source>Guest care  F7</source>
        <translation>客户关怀  F7</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="107" />
        <source>Administration  F9</source>
        <translation>系统管理  F9</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="109" />
        <source>Dashboard  F10</source>
        <translation>经营看板  F10</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="111" />
        <source>Settings  Ctrl+,</source>
        <translation>设置  Ctrl+,</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="119" />
        <source>Quit  Ctrl+Q</source>
        <translation>退出  Ctrl+Q</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="162" />
        <source>Seen — show it</source>
        <translation>已知悉 — 查看</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="176" />
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="208" />
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="382" />
        <source>Signed in: %1</source>
        <translation>已登录：%1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="423" />
        <source>%1 %2: %3 due in %4</source>
        <translation>%1 %2：%3还剩 %4</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="430" />
        <source>(+%1 more)</source>
        <translation>（另有 %1 条）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="484" />
        <source>%1 %2: %3 due at %4 (in %5)</source>
        <translation>%1 %2：%3 将于 %4 到期（还剩 %5）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="493" />
        <source>Complaint deadline near</source>
        <translation>投诉时限将到</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="509" />
        <source>%1 missed deadlines not yet seen. Latest: %2 %3, %4 overdue</source>
        <translation>有 %1 项时限已超时，尚未查看。最新：%2 %3，%4超时</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="591" />
        <source>Quit Frontdesk?</source>
        <translation>退出前台助手？</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="592" />
        <source>%1 is not saved. Quit anyway and lose what was typed?</source>
        <translation>“%1”还没有保存。仍要退出并放弃已输入的内容吗？</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="606" />
        <source>The data was restored from the backup taken %1. %2 audit entries made after that backup were carried over. The replaced data is kept as %3.</source>
        <translation>数据已从 %1 的备份恢复。该备份之后的 %2 条操作日志已保留。被替换的数据另存为 %3。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="613" />
        <source>Restore done</source>
        <translation>恢复完成</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="402" />
        <source>The PC clock was changed by %1 minutes. Deadlines are unchanged; please check the time.</source>
        <translation>电脑时间被调整了 %1 分钟。已承诺的时限不受影响，请核对时间。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="448" />
        <source>Complaints open: %1 · overdue: %2</source>
        <translation>未结投诉：%1 · 其中超时：%2</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="461" />
        <source>%1 %2: %3 overdue</source>
        <translation>%1 %2：%3已超时</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="467" />
        <location filename="../../ui/main_window.py" line="516" />
        <source>escalated to %1</source>
        <translation>已升级给%1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="472" />
        <source>Complaint deadline missed</source>
        <translation>投诉处理超时</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="535" />
        <source>Calls due: %1</source>
        <translation>待回访：%1</translation>
    </message>
</context>
<context>
    <name>MemberComplaintsModel</name>
    <message>
        <location filename="../../ui/complaints/models.py" line="242" />
        <source>No.</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/models.py" line="243" />
        <source>Logged</source>
        <translation>登记时间</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/models.py" line="244" />
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/models.py" line="245" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/models.py" line="246" />
        <source>Satisfaction</source>
        <translation>满意度</translation>
    </message>
</context>
<context>
    <name>MemberCouponsModel</name>
    <message>
        <location filename="../../ui/coupons/models.py" line="27" />
        <source>Code</source>
        <translation>券码</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/models.py" line="28" />
        <source>Offer</source>
        <translation>充值活动</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/models.py" line="29" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/models.py" line="30" />
        <source>Valid</source>
        <translation>有效</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/models.py" line="31" />
        <source>Campaign</source>
        <translation>活动</translation>
    </message>
</context>
<context>
    <name>MemberDesk</name>
    <message>
        <location filename="../../ui/members/desk.py" line="72" />
        <source>Phone, last 4 digits, name, pinyin (zs = 张三), card or member no.</source>
        <translation>手机号、尾号 4 位、姓名、拼音（zs = 张三）、卡号或会员号</translation>
    </message>
    <message>
        <location filename="../../ui/members/desk.py" line="76" />
        <source>New member (Ctrl+N)</source>
        <translation>新建会员 (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../ui/members/desk.py" line="197" />
        <source>Updating the member search (once, after an upgrade)…</source>
        <translation>正在更新会员搜索（升级后仅此一次）…</translation>
    </message>
    <message>
        <location filename="../../ui/members/desk.py" line="245" />
        <source>Updating the member search: %1 of %2 members…</source>
        <translation>正在更新会员搜索：%1 / %2 位会员…</translation>
    </message>
    <message>
        <location filename="../../ui/members/desk.py" line="253" />
        <source>Member search updated.</source>
        <translation>会员搜索已更新。</translation>
    </message>
    <message>
        <location filename="../../ui/members/desk.py" line="264" />
        <source>Type or scan to find a member. Enter opens, Esc clears.</source>
        <translation>输入或扫码查找会员。回车打开，Esc 清空。</translation>
    </message>
    <message>
        <location filename="../../ui/members/desk.py" line="266" />
        <source>No member found. Ctrl+N adds a new one.</source>
        <translation>没有找到会员。按 Ctrl+N 新建。</translation>
    </message>
    <message>
        <location filename="../../ui/members/desk.py" line="269" />
        <source>Showing the first %1 matches — type more to narrow down.</source>
        <translation>显示前 %1 条结果，继续输入可缩小范围。</translation>
    </message>
    <message>
        <location filename="../../ui/members/desk.py" line="274" />
        <source>%1 found.</source>
        <translation>找到 %1 位会员。</translation>
    </message>
</context>
<context>
    <name>MemberDialog</name>
    <message>
        <location filename="../../ui/members/dialogs.py" line="37" />
        <source>Edit member</source>
        <translation>编辑会员</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="37" />
        <source>New member</source>
        <translation>新建会员</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="41" />
        <source>11-digit mobile, e.g. 13800138000</source>
        <translation>11 位手机号，如 13800138000</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="44" />
        <source>Not given</source>
        <translation>未填写</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="45" />
        <source>Female</source>
        <translation>女</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="46" />
        <source>Male</source>
        <translation>男</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="50" />
        <source>e.g. 1990-05-21</source>
        <translation>如 1990-05-21</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="52" />
        <source>scan the card, or leave empty</source>
        <translation>刷卡录入，或留空</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="54" />
        <source>separate with commas</source>
        <translation>用逗号分隔</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="63" />
        <source>Name *</source>
        <translation>姓名 *</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="64" />
        <source>Phone *</source>
        <translation>手机 *</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="65" />
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="66" />
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="67" />
        <source>Card no.</source>
        <translation>卡号</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="68" />
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="69" />
        <source>Preferences</source>
        <translation>偏好</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="70" />
        <source>Allergies</source>
        <translation>过敏</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="71" />
        <source>Notes</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>MemberListTab</name>
    <message>
        <location filename="../../ui/care/page.py" line="87" />
        <source>Issue coupons to selection…</source>
        <translation>给所选会员发券…</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="90" />
        <source>Schedule follow-up call…</source>
        <translation>安排回访…</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="92" />
        <source>Select all</source>
        <translation>全选</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="134" />
        <source>%1 of %2 selected</source>
        <translation>已选 %1 / 共 %2</translation>
    </message>
    <message>
        <location filename="../../ui/care/page.py" line="151" />
        <location filename="../../ui/care/page.py" line="162" />
        <source>Select one or more members first.</source>
        <translation>请先选择会员。</translation>
    </message>
</context>
<context>
    <name>MemberProfileView</name>
    <message>
        <location filename="../../ui/members/profile.py" line="133" />
        <source>← Back (Esc)</source>
        <translation>← 返回 (Esc)</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="135" />
        <source>Record visit (F5)</source>
        <translation>登记消费 (F5)</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="137" />
        <source>Edit (F2)</source>
        <translation>编辑 (F2)</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="140" />
        <source>Complaint (Ctrl+L)</source>
        <translation>投诉 (Ctrl+L)</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="144" />
        <source>Adjust points</source>
        <translation>调整积分</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="145" />
        <source>Survey</source>
        <translation>满意度</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="187" />
        <source>Details</source>
        <translation>基本信息</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="190" />
        <source>Phone</source>
        <translation>手机</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="191" />
        <source>Card no.</source>
        <translation>卡号</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="192" />
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="193" />
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="194" />
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="195" />
        <source>Member since</source>
        <translation>入会时间</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="202" />
        <source>Preferences and care</source>
        <translation>偏好与关怀</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="205" />
        <source>Allergies</source>
        <translation>过敏</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="206" />
        <source>Preferences</source>
        <translation>偏好</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="207" />
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="214" />
        <source>Spending</source>
        <translation>消费</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="217" />
        <source>Visits</source>
        <translation>到店次数</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="218" />
        <source>Total spend</source>
        <translation>累计消费</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="219" />
        <source>Average per visit</source>
        <translation>客单价</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="220" />
        <source>Last visit</source>
        <translation>最近到店</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="226" />
        <location filename="../../ui/members/profile.py" line="311" />
        <location filename="../../ui/members/profile.py" line="417" />
        <source>Stored-value card</source>
        <translation>储值卡</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="233" />
        <source>Recharge… (Ctrl+R)</source>
        <translation>充值…（Ctrl+R）</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="274" />
        <source>Visit history</source>
        <translation>消费记录</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="275" />
        <source>Complaints</source>
        <translation>投诉</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="284" />
        <source>Coupons</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="286" />
        <source>Points and tier</source>
        <translation>积分与等级</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="293" />
        <source>Print receipt</source>
        <translation>打印小票</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="294" />
        <source>Void entry…</source>
        <translation>作废流水…</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="295" />
        <source>Show ID number</source>
        <translation>查看身份证号</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="296" />
        <source>Adjust…</source>
        <translation>调整…</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="297" />
        <source>Refund card…</source>
        <translation>退卡…</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="359" />
        <source>Member no. %1 · tier %2 · %3 points</source>
        <translation>会员号 %1 · %2 会员 · 积分 %3</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="415" />
        <source>Stored-value card (%1)</source>
        <translation>储值卡（%1）</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="450" />
        <source>Visit recorded: %1, %2.</source>
        <translation>已记录到店：%1，%2。</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="455" />
        <source>Coupon %1 off.</source>
        <translation>优惠券抵扣 %1。</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="458" />
        <source>%1 from the card (%2 left).</source>
        <translation>储值卡支付 %1（余额 %2）。</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="462" />
        <source>To pay by other means: %1.</source>
        <translation>其他方式应付：%1。</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="485" />
        <source>Refunding a card is a manager's.</source>
        <translation>退卡需经理操作。</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="505" />
        <source>Choose the entry to void in the list first.</source>
        <translation>请先在列表中选择要作废的流水。</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="517" />
        <source>Choose a recharge with an ID number in the list first.</source>
        <translation>请先在列表中选择一笔登记了身份证号的充值。</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="524" />
        <source>Buyer's ID number</source>
        <translation>购卡人身份证号</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="525" />
        <source>%1, entry no. %2:</source>
        <translation>%1，流水号 %2：</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="542" />
        <source>Choose the entry to print in the list first.</source>
        <translation>请先在列表中选择要打印的流水。</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="553" />
        <source>%1 saved: %2. Card balance %3.</source>
        <translation>%1已保存：%2。卡内余额 %3。</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="569" />
        <source>Receipt</source>
        <translation>小票</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="570" />
        <source>%1 of %2 saved. Print a receipt for the guest?</source>
        <translation>%2 的%1已保存。为客人打印小票吗？</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="588" />
        <source>Receipt printed on %1.</source>
        <translation>小票已在 %1 打印。</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="589" />
        <source>Receipt opened in the PDF viewer to print.</source>
        <translation>小票已在 PDF 阅读器中打开，请从那里打印。</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="590" />
        <source>Receipt saved as %1; no PDF viewer opens on this PC.</source>
        <translation>小票已保存为 %1；本机没有可用的 PDF 阅读器。</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="593" />
        <source>Receipt saved as %1.</source>
        <translation>小票已保存为 %1。</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="599" />
        <source>earned</source>
        <translation>获得</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="600" />
        <source>used</source>
        <translation>使用</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="601" />
        <source>adjusted</source>
        <translation>调整</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="602" />
        <source>expired</source>
        <translation>过期</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="616" />
        <source>Tier changes</source>
        <translation>等级变动</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="616" />
        <source>Points ledger</source>
        <translation>积分明细</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="662" />
        <source>Deactivate member</source>
        <translation>停用会员</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="664" />
        <source>Deactivate %1? They no longer appear at the top of searches and get no coupons; their history stays, and a manager can bring them back.</source>
        <translation>停用 %1 吗？停用后不再排在搜索结果前面，也不会收到优惠券；消费记录保留，经理可以恢复。</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="679" />
        <source>%1 deactivated.</source>
        <translation>已停用 %1。</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="679" />
        <source>%1 is active again.</source>
        <translation>%1 已恢复为正常会员。</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="364" />
        <source>Deactivated</source>
        <translation>已停用</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="143" />
        <source>Use points (F8)</source>
        <translation>积分抵扣 (F8)</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="366" />
        <source>Deactivate</source>
        <translation>停用</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="366" />
        <source>Reactivate</source>
        <translation>重新启用</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="368" />
        <source>Female</source>
        <translation>女</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="368" />
        <source>Male</source>
        <translation>男</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="368" />
        <source>Not given</source>
        <translation>未填写</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="377" />
        <source>None recorded</source>
        <translation>无记录</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="383" />
        <source>never</source>
        <translation>从不</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="394" />
        <source>Complaints (%1)</source>
        <translation>投诉记录（%1）</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="399" />
        <source>Coupons (%1 usable)</source>
        <translation>优惠券（%1 张可用）</translation>
    </message>
</context>
<context>
    <name>MemberTableModel</name>
    <message>
        <location filename="../../ui/members/models.py" line="37" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/members/models.py" line="38" />
        <source>Phone</source>
        <translation>手机</translation>
    </message>
    <message>
        <location filename="../../ui/members/models.py" line="39" />
        <source>Member no.</source>
        <translation>会员号</translation>
    </message>
    <message>
        <location filename="../../ui/members/models.py" line="40" />
        <source>Card no.</source>
        <translation>卡号</translation>
    </message>
    <message>
        <location filename="../../ui/members/models.py" line="41" />
        <source>Visits</source>
        <translation>到店次数</translation>
    </message>
    <message>
        <location filename="../../ui/members/models.py" line="42" />
        <source>Total spend</source>
        <translation>累计消费</translation>
    </message>
    <message>
        <location filename="../../ui/members/models.py" line="43" />
        <source>Last visit</source>
        <translation>最近到店</translation>
    </message>
    <message>
        <location filename="../../ui/members/models.py" line="44" />
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <location filename="../../ui/members/models.py" line="33" />
        <source>%1 (deactivated)</source>
        <translation>%1（已停用）</translation>
    </message>
</context>
<context>
    <name>NumberHint</name>
    <message>
        <location filename="../../ui/forms.py" line="298" />
        <source>Enter a number from %1 to %2, with at most %3 decimals.</source>
        <translation>请输入 %1 到 %2 之间的数，最多 %3 位小数。</translation>
    </message>
    <message>
        <location filename="../../ui/forms.py" line="302" />
        <source>Enter a whole number from %1 to %2.</source>
        <translation>请输入 %1 到 %2 之间的整数。</translation>
    </message>
</context>
<context>
    <name>OutcomeDialog</name>
    <message>
        <location filename="../../ui/care/dialogs.py" line="89" />
        <source>Call with %1</source>
        <translation>回访 %1</translation>
    </message>
    <message>
        <location filename="../../ui/care/dialogs.py" line="102" />
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <location filename="../../ui/care/dialogs.py" line="103" />
        <source>Purpose</source>
        <translation>回访目的</translation>
    </message>
    <message>
        <location filename="../../ui/care/dialogs.py" line="104" />
        <source>Outcome *</source>
        <translation>回访结果 *</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <location filename="../../ui/admin/page.py" line="166" />
        <source>New password for %1</source>
        <translation>为 %1 设置新密码</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="174" />
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="177" />
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="178" />
        <source>Once more</source>
        <translation>再输一次</translation>
    </message>
</context>
<context>
    <name>PlanDialog</name>
    <message>
        <location filename="../../ui/members/card.py" line="593" />
        <source>Edit offer</source>
        <translation>修改充值活动</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="593" />
        <source>New offer</source>
        <translation>新建充值活动</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="595" />
        <source>e.g. 充1000送200</source>
        <translation>例如 充1000送200</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="608" />
        <source>e.g. 2026-12-31; empty: no limit</source>
        <translation>例如 2026-12-31；留空表示不限</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="610" />
        <source>No upgrade</source>
        <translation>不升级</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="616" />
        <source>On sale</source>
        <translation>在售</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="620" />
        <source>Name *</source>
        <translation>名称 *</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="621" />
        <source>Guest pays (¥) *</source>
        <translation>客人实付（¥）*</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="622" />
        <source>Bonus (¥)</source>
        <translation>赠送（¥）</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="623" />
        <source>On sale from</source>
        <translation>开始日期</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="624" />
        <source>On sale until</source>
        <translation>结束日期</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="625" />
        <source>Raises the tier to</source>
        <translation>升级到</translation>
    </message>
</context>
<context>
    <name>PlanTableModel</name>
    <message>
        <location filename="../../ui/members/card.py" line="659" />
        <source>Offer</source>
        <translation>充值活动</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="660" />
        <source>Pays</source>
        <translation>支付</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="661" />
        <source>Bonus</source>
        <translation>赠送</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="662" />
        <source>On sale</source>
        <translation>在售</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="663" />
        <source>Tier</source>
        <translation>等级</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="683" />
        <source>Off</source>
        <translation>不提醒</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="685" />
        <source>Always</source>
        <translation>总是</translation>
    </message>
</context>
<context>
    <name>PlansPanel</name>
    <message>
        <location filename="../../ui/members/card.py" line="713" />
        <source>New offer…</source>
        <translation>新建活动…</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="714" />
        <source>Edit offer…</source>
        <translation>修改活动…</translation>
    </message>
</context>
<context>
    <name>PointsDialog</name>
    <message>
        <location filename="../../ui/care/dialogs.py" line="169" />
        <source>Adjust points</source>
        <translation>调整积分</translation>
    </message>
    <message>
        <location filename="../../ui/care/dialogs.py" line="169" />
        <source>Use points</source>
        <translation>积分抵扣</translation>
    </message>
    <message>
        <location filename="../../ui/care/dialogs.py" line="171" />
        <source>balance %1</source>
        <translation>余额 %1</translation>
    </message>
    <message>
        <location filename="../../ui/care/dialogs.py" line="178" />
        <source>Points (100 = ¥1)</source>
        <translation>积分（100 分 = ¥1）</translation>
    </message>
    <message>
        <location filename="../../ui/care/dialogs.py" line="178" />
        <source>Points (+ add, − take)</source>
        <translation>积分（+ 增加，− 扣减）</translation>
    </message>
    <message>
        <location filename="../../ui/care/dialogs.py" line="181" />
        <source>Reason *</source>
        <translation>原因 *</translation>
    </message>
    <message>
        <location filename="../../ui/care/dialogs.py" line="181" />
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../ui/care/dialogs.py" line="184" />
        <source>Give as a coupon (¥1 per 100 points)</source>
        <translation>兑换成优惠券（100 积分 = ¥1）</translation>
    </message>
</context>
<context>
    <name>RechargeDialog</name>
    <message>
        <location filename="../../ui/members/card.py" line="238" />
        <source>Recharge card — %1</source>
        <translation>储值卡充值 — %1</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="250" />
        <source>Free amount</source>
        <translation>自定金额</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="252" />
        <source>amount in yuan, e.g. 500</source>
        <translation>金额（元），例如 500</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="256" />
        <source>A bonus on a free amount is a manager's.</source>
        <translation>自定金额的赠送需经理操作。</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="263" />
        <source>18 characters, for a named card</source>
        <translation>18 位，记名卡用</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="266" />
        <source>On the card now</source>
        <translation>卡内现有</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="269" />
        <source>Offer</source>
        <translation>充值活动</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="270" />
        <source>Amount paid (¥) *</source>
        <translation>实付金额（¥）*</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="271" />
        <source>Bonus (¥)</source>
        <translation>赠送（¥）</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="272" />
        <source>Paid by</source>
        <translation>付款方式</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="273" />
        <source>Buyer's name</source>
        <translation>购卡人姓名</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="274" />
        <source>Buyer's ID number</source>
        <translation>购卡人身份证号</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="277" />
        <source>Balance after</source>
        <translation>充值后余额</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="278" />
        <source>Recharge</source>
        <translation>充值</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="347" />
        <location filename="../../ui/members/card.py" line="348" />
        <source>Recharge anyway?</source>
        <translation>仍然充值吗？</translation>
    </message>
</context>
<context>
    <name>RefundDialog</name>
    <message>
        <location filename="../../ui/members/card.py" line="387" />
        <source>Refund card — %1</source>
        <translation>退卡 — %1</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="395" />
        <source>Paid in</source>
        <translation>实付充值</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="396" />
        <source>Bonus given</source>
        <translation>赠送金额</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="397" />
        <source>Spent from the card</source>
        <translation>已消费</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="400" />
        <source>Counted as used of the paid money</source>
        <translation>实付中视为已消费</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="401" />
        <source>%1 (spent × paid ÷ (paid + bonus))</source>
        <translation>%1（已消费 × 实付 ÷（实付 + 赠送））</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="403" />
        <location filename="../../ui/members/card.py" line="430" />
        <source>Refund</source>
        <translation>退卡</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="414" />
        <source>The card closes; the bonus left (%1) is not paid out.</source>
        <translation>此卡将注销；剩余赠送（%1）不予退还。</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="420" />
        <source>The card closes.</source>
        <translation>此卡将注销。</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="425" />
        <source>Reason *</source>
        <translation>原因 *</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="428" />
        <source>Refund %1</source>
        <translation>退款 %1</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="446" />
        <source>Refund card</source>
        <translation>退卡</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="447" />
        <source>Pay %1 back to %2 and close the card?</source>
        <translation>退给 %2 %1 并注销此卡？</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../ui/settings.py" line="105" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="128" />
        <source>Choose picture…</source>
        <translation>选择图片…</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="129" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="141" />
        <source>Store name</source>
        <translation>门店名称</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="142" />
        <source>Logo (coupons, reports)</source>
        <translation>标志（用于优惠券和报表）</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="143" />
        <source>Language</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="144" />
        <source>Forgive misheard pinyin</source>
        <translation>模糊拼音</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="148" />
        <source>z/zh, c/ch, s/sh, l/n, an/ang, en/eng, in/ing and ü/u (lv/lu) count as the same, as in an input method's fuzzy mode; exact matches still come first.</source>
        <translation>z/zh、c/ch、s/sh、l/n、an/ang、en/eng、in/ing 与 ü/u（lv/lu）视为相同，与输入法的模糊音一样；完全匹配的结果仍排在前面。</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="155" />
        <source>Member search</source>
        <translation>会员搜索</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="158" />
        <source>Store</source>
        <translation>门店</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="163" />
        <location filename="../../ui/settings.py" line="510" />
        <source>No logo</source>
        <translation>无标志</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="176" />
        <source>A closing time before the opening time means after midnight.</source>
        <translation>打烊时间早于开门时间，表示次日凌晨打烊。</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="192" />
        <source>Time zone of the store</source>
        <translation>门店时区</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="193" />
        <source>Opens</source>
        <translation>开门时间</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="194" />
        <source>Closes</source>
        <translation>打烊时间</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="196" />
        <source>Rest days (no SLA working day)</source>
        <translation>休息日（不计投诉工作日）</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="201" />
        <source>Hours</source>
        <translation>营业时间</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="214" />
        <source>Coupon layout</source>
        <translation>优惠券版式</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="215" />
        <source>Coupon printer</source>
        <translation>优惠券打印机</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="216" />
        <source>Report printer</source>
        <translation>报表打印机</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="217" />
        <source>Printing</source>
        <translation>打印</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="225" />
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="226" />
        <source>never</source>
        <translation>从不</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="228" />
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="251" />
        <source>Lock the counter after</source>
        <translation>空闲自动锁屏</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="252" />
        <location filename="../../ui/settings.py" line="514" />
        <source>Backup folder</source>
        <translation>备份文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="253" />
        <source>Backups to keep</source>
        <translation>保留备份份数</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="254" />
        <source>Receptionists' coupons: at most</source>
        <translation>前台发券上限</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="255" />
        <source>or at most (percent off)</source>
        <translation>或最多折扣（百分比）</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="265" />
        <source>Safety</source>
        <translation>安全</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="272" />
        <source>Satisfaction (scores 4-5)</source>
        <translation>满意度（4-5 分占比）</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="273" />
        <source>Complaint deadlines met</source>
        <translation>投诉时效达成率</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="274" />
        <source>Guests back within their usual interval</source>
        <translation>回头客按期回访率</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="275" />
        <source>Coupons redeemed</source>
        <translation>优惠券核销率</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="284" />
        <source>Targets</source>
        <translation>目标</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="291" />
        <source>Recharge offers (for sale on the dates shown)</source>
        <translation>充值活动（在所示日期内可售）</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="305" />
        <source>no warning</source>
        <translation>不提醒</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="308" />
        <source>Ask for the buyer's ID number</source>
        <translation>充值时登记购卡人身份证号</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="314" />
        <source>A recharge past the limit, or without an ID number, is asked about (MOFCOM: a named card holds at most ¥5,000); the receptionist may go on.</source>
        <translation>超过限额或未登记身份证号的充值会先提示确认（商务部规定：记名卡余额不超过 ¥5,000），前台确认后可继续。</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="323" />
        <source>A card payment comes from</source>
        <translation>储值卡消费扣款顺序</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="324" />
        <source>Warn when a card would hold over</source>
        <translation>卡内余额超过此数时提醒</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="325" />
        <source>At a recharge</source>
        <translation>充值时</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="334" />
        <source>Stored-value cards</source>
        <translation>储值卡</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="340" />
        <source>This PC only (its own file)</source>
        <translation>仅本机（本机自己的数据文件）</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="342" />
        <source>The store's server (several counters)</source>
        <translation>门店服务器（多个前台共用）</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="356" />
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="363" />
        <source>this PC's own file</source>
        <translation>本机自己的数据文件</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="365" />
        <source>Now using: %1. A change takes effect when Frontdesk starts again.</source>
        <translation>当前使用：%1。更改在下次启动 Frontdesk 时生效。</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="371" />
        <source>The store's data</source>
        <translation>门店数据位置</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="373" />
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="374" />
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="376" />
        <source>This counter's name</source>
        <translation>本前台名称</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="384" />
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="448" />
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="458" />
        <source>Connected to %1. No store on it yet.</source>
        <translation>已连接到 %1。服务器上还没有门店数据。</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="461" />
        <source>Connected to %1. It holds %2 members.</source>
        <translation>已连接到 %1。其中有 %2 位会员。</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="474" />
        <source>Ask each time (open in the PDF viewer)</source>
        <translation>每次询问（用 PDF 阅读器打开）</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="478" />
        <source>(not connected)</source>
        <translation>（未连接）</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="492" />
        <source>Store logo</source>
        <translation>门店标志</translation>
    </message>
    <message>
        <location filename="../../ui/settings.py" line="492" />
        <source>Pictures (*.png *.jpg *.jpeg *.bmp)</source>
        <translation>图片 (*.png *.jpg *.jpeg *.bmp)</translation>
    </message>
</context>
<context>
    <name>SetupOwnerDialog</name>
    <message>
        <location filename="../../ui/login.py" line="23" />
        <source>Welcome — create the owner's account</source>
        <translation>欢迎使用 — 请创建店主账号</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="28" />
        <source>This account can add staff, see the audit trail and restore backups. Keep the password safe.</source>
        <translation>店主账号可以添加员工、查看操作日志、恢复备份。请妥善保管密码。</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="46" />
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="47" />
        <source>Your name</source>
        <translation>您的姓名</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="48" />
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="49" />
        <source>Password again</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="56" />
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>SlaPolicyDialog</name>
    <message>
        <location filename="../../ui/complaints/policy.py" line="57" />
        <source>SLA policy and store calendar</source>
        <translation>投诉时限与门店日历</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="61" />
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="61" />
        <source> h</source>
        <translation> 小时</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="61" />
        <source> working days</source>
        <translation> 个工作日</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="68" />
        <location filename="../../ui/complaints/policy.py" line="72" />
        <source>no warning</source>
        <translation>不提醒</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="74" />
        <source>the morning of its last day</source>
        <translation>最后一天开门时</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="77" />
        <source>Warn</source>
        <translation>提醒</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="91" />
        <source>e.g. 2027-01-01, 2027-02-06</source>
        <translation>如 2027-01-01, 2027-02-06</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="99" />
        <source>First response within</source>
        <translation>首次回应时限</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="100" />
        <source>Urgent: solution within</source>
        <translation>紧急投诉解决时限</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="101" />
        <source>Investigation within</source>
        <translation>调查时限</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="102" />
        <source>Final answer within</source>
        <translation>最终答复时限</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="103" />
        <source>Amber when due within</source>
        <translation>剩余不足此时标黄</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="113" />
        <source>Warn before investigation</source>
        <translation>调查时限前提醒</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="117" />
        <source>Warn before final answer</source>
        <translation>最终答复前提醒</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="104" />
        <source>Escalate to</source>
        <translation>升级给</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="105" />
        <source>Holidays</source>
        <translation>节假日</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="106" />
        <source>Make-up working days</source>
        <translation>调休上班日</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="108" />
        <source>Warn before response/urgent</source>
        <translation>回应/紧急解决前提醒</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="121" />
        <source>Rest days</source>
        <translation>休息日</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="124" />
        <source>A working day is a day the store is open: every day except the rest days and holidays ticked here (a make-up day counts even if it is a rest day). The final answer is due by closing time of its last working day.</source>
        <translation>工作日指门店营业的日子：除此处勾选的休息日和节假日外的每一天（调休日即使是休息日也算工作日）。最终答复的期限是最后一个工作日的打烊时间。</translation>
    </message>
</context>
<context>
    <name>SlaReportDialog</name>
    <message>
        <location filename="../../ui/complaints/policy.py" line="166" />
        <source>SLA report — last %1 days</source>
        <translation>时限报表 — 最近 %1 天</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="181" />
        <source>Complaints logged from %1 to %2; open and overdue as of now.</source>
        <translation>统计 %1 至 %2 登记的投诉；未结与超时为当前数字。</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="189" />
        <source>On time</source>
        <translation>按时</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="189" />
        <source>Warned</source>
        <translation>已提醒</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="189" />
        <source>Then met</source>
        <translation>提醒后按时完成</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="211" />
        <source>Complaints logged</source>
        <translation>登记投诉数</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="212" />
        <source>Open now</source>
        <translation>当前未结</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="213" />
        <source>Overdue now</source>
        <translation>当前超时</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="214" />
        <source>Median first response (minutes)</source>
        <translation>首次回应时间中位数（分钟）</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="215" />
        <source>Average satisfaction</source>
        <translation>平均满意度</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="216" />
        <source>Deadlines by stage: on time; warned before, and then met</source>
        <translation>各阶段时限：按时率；到期前已提醒的，及提醒后按时完成的</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="217" />
        <source>By category</source>
        <translation>按类别</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/policy.py" line="218" />
        <source>By channel</source>
        <translation>按渠道</translation>
    </message>
</context>
<context>
    <name>StaffDialog</name>
    <message>
        <location filename="../../ui/admin/page.py" line="122" />
        <source>Add staff</source>
        <translation>添加员工</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="128" />
        <source>Receptionist</source>
        <translation>前台</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="129" />
        <source>Manager</source>
        <translation>经理</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="130" />
        <source>Owner</source>
        <translation>店主</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="137" />
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="138" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="139" />
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="140" />
        <source>First password</source>
        <translation>初始密码</translation>
    </message>
</context>
<context>
    <name>StaffModel</name>
    <message>
        <location filename="../../ui/admin/page.py" line="41" />
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="41" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="41" />
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="41" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="48" />
        <source>locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="50" />
        <source>active</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="50" />
        <source>disabled</source>
        <translation>已停用</translation>
    </message>
</context>
<context>
    <name>StepDialog</name>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="142" />
        <source>Respond to the guest</source>
        <translation>回应客人</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="143" />
        <source>Start investigation</source>
        <translation>开始调查</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="144" />
        <source>Final answer to the guest</source>
        <translation>给客人最终答复</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="145" />
        <source>Close complaint</source>
        <translation>结案</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="146" />
        <source>Reopen complaint</source>
        <translation>重新打开投诉</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="147" />
        <source>Escalate to manager</source>
        <translation>升级给经理</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="148" />
        <source>Add note</source>
        <translation>添加备注</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="157" />
        <source>What was said/done *</source>
        <translation>说了什么/做了什么 *</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="158" />
        <source>Answer given *</source>
        <translation>答复内容 *</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="159" />
        <source>Why reopened *</source>
        <translation>重新打开的原因 *</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="160" />
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="165" />
        <source>Root cause</source>
        <translation>根本原因</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="170" />
        <source>Remedy *</source>
        <translation>补救措施 *</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="172" />
        <source>Guest satisfaction (1-5) *</source>
        <translation>客人满意度（1-5） *</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="180" />
        <source>Please say what was said or done.</source>
        <translation>请填写对客人说了什么或做了什么。</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="187" />
        <source>Please write the answer given to the guest.</source>
        <translation>请填写给客人的答复内容。</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="192" />
        <source>Please choose the guest's satisfaction, 1 to 5.</source>
        <translation>请选择客人的满意度（1 到 5）。</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/dialogs.py" line="206" />
        <source>Please say why it is reopened.</source>
        <translation>请填写重新打开的原因。</translation>
    </message>
</context>
<context>
    <name>SurveyDialog</name>
    <message>
        <location filename="../../ui/care/dialogs.py" line="240" />
        <source>How was your visit?</source>
        <translation>本次体验如何？</translation>
    </message>
    <message>
        <location filename="../../ui/care/dialogs.py" line="247" />
        <source>Score</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../ui/care/dialogs.py" line="248" />
        <source>Comment</source>
        <translation>评价</translation>
    </message>
    <message>
        <location filename="../../ui/care/dialogs.py" line="252" />
        <source>Please choose a score from 1 to 5.</source>
        <translation>请选择 1 到 5 分。</translation>
    </message>
</context>
<context>
    <name>TermsFields</name>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="41" />
        <source>e.g. 足疗 60 分钟</source>
        <translation>如 足疗 60 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="46" />
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="50" />
        <source>Coupon gives</source>
        <translation>优惠方式</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="52" />
        <source>Free item</source>
        <translation>赠送项目</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="54" />
        <source>Minimum bill (¥)</source>
        <translation>最低消费（¥）</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="58" />
        <source>Valid for</source>
        <translation>有效期</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="68" />
        <source>Amount off (¥)</source>
        <translation>减免金额（¥）</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="70" />
        <source>Percent off (%)</source>
        <translation>折扣（减 %）</translation>
    </message>
</context>
<context>
    <name>TierDialog</name>
    <message>
        <location filename="../../ui/care/tiers.py" line="21" />
        <source>Membership tiers</source>
        <translation>会员等级设置</translation>
    </message>
    <message>
        <location filename="../../ui/care/tiers.py" line="28" />
        <source>Tier</source>
        <translation>等级</translation>
    </message>
    <message>
        <location filename="../../ui/care/tiers.py" line="29" />
        <source>12-month spend from (¥)</source>
        <translation>近 12 个月消费满（¥）</translation>
    </message>
    <message>
        <location filename="../../ui/care/tiers.py" line="30" />
        <source>and visits from</source>
        <translation>且到店满（次）</translation>
    </message>
    <message>
        <location filename="../../ui/care/tiers.py" line="31" />
        <source>Discount %</source>
        <translation>折扣 %</translation>
    </message>
    <message>
        <location filename="../../ui/care/tiers.py" line="32" />
        <source>Points per ¥100</source>
        <translation>每 ¥100 积分</translation>
    </message>
</context>
<context>
    <name>VisitDialog</name>
    <message>
        <location filename="../../ui/members/dialogs.py" line="132" />
        <source>Record visit — %1</source>
        <translation>登记消费 — %1</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="135" />
        <source>amount in yuan, e.g. 128.50</source>
        <translation>金额（元），如 128.50</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="137" />
        <source>what was served, e.g. 搓澡、足疗</source>
        <translation>消费项目，如 搓澡、足疗</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="139" />
        <source>scan or type a coupon, or leave empty</source>
        <translation>扫码或输入优惠券，可留空</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="146" />
        <source>0 = none</source>
        <translation>0 = 不用卡</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="158" />
        <source>Amount (¥) *</source>
        <translation>金额（¥） *</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="159" />
        <source>Items</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="160" />
        <source>Coupon</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="165" />
        <source>From card (¥, balance %1)</source>
        <translation>储值卡支付（¥，余额 %1）</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="170" />
        <source>Served by</source>
        <translation>服务员工</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="173" />
        <source>To pay by other means</source>
        <translation>其他方式应付</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="179" />
        <source>%1 member: %2% off</source>
        <translation>%1 会员：享 %2% 优惠</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="187" />
        <source>Allergies: %1</source>
        <translation>过敏：%1</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="234" />
        <source>Coupon: %1 off</source>
        <translation>优惠券：抵扣 %1</translation>
    </message>
</context>
<context>
    <name>VisitTableModel</name>
    <message>
        <location filename="../../ui/members/models.py" line="143" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/members/models.py" line="143" />
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../ui/members/models.py" line="143" />
        <source>Items</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../ui/members/models.py" line="143" />
        <source>Staff</source>
        <translation>员工</translation>
    </message>
</context>
<context>
    <name>VoidDialog</name>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="312" />
        <source>Void coupon</source>
        <translation>作废优惠券</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="319" />
        <source>Code</source>
        <translation>券码</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="320" />
        <source>Reason *</source>
        <translation>原因 *</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/dialogs.py" line="323" />
        <source>Void</source>
        <translation>作废</translation>
    </message>
</context>
<context>
    <name>VoidEntryDialog</name>
    <message>
        <location filename="../../ui/members/card.py" line="480" />
        <source>Void card entry no. %1</source>
        <translation>作废储值卡流水 %1</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="487" />
        <source>Entry</source>
        <translation>流水</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="489" />
        <source>Reason *</source>
        <translation>原因 *</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="490" />
        <source>Void entry</source>
        <translation>作废流水</translation>
    </message>
</context>
<context>
    <name>WeekdayChecks</name>
    <message>
        <location filename="../../ui/forms.py" line="209" />
        <source>Mon</source>
        <translation>周一</translation>
    </message>
    <message>
        <location filename="../../ui/forms.py" line="210" />
        <source>Tue</source>
        <translation>周二</translation>
    </message>
    <message>
        <location filename="../../ui/forms.py" line="211" />
        <source>Wed</source>
        <translation>周三</translation>
    </message>
    <message>
        <location filename="../../ui/forms.py" line="212" />
        <source>Thu</source>
        <translation>周四</translation>
    </message>
    <message>
        <location filename="../../ui/forms.py" line="213" />
        <source>Fri</source>
        <translation>周五</translation>
    </message>
    <message>
        <location filename="../../ui/forms.py" line="214" />
        <source>Sat</source>
        <translation>周六</translation>
    </message>
    <message>
        <location filename="../../ui/forms.py" line="215" />
        <source>Sun</source>
        <translation>周日</translation>
    </message>
</context>
<context>
    <name>audit</name>
    <message>
        <location filename="../../ui/admin/page.py" line="60" />
        <source>signed in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="61" />
        <source>sign-in failed</source>
        <translation>登录失败</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="62" />
        <source>signed out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="63" />
        <source>staff account added</source>
        <translation>添加员工</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="64" />
        <source>staff account disabled</source>
        <translation>停用员工账号</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="65" />
        <source>staff account enabled</source>
        <translation>启用员工账号</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="66" />
        <source>password reset</source>
        <translation>重设密码</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="67" />
        <source>coupon issued</source>
        <translation>发放优惠券</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="68" />
        <source>coupon voided</source>
        <translation>作废优惠券</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="69" />
        <source>campaign created</source>
        <translation>创建活动</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="70" />
        <source>campaign coupons issued</source>
        <translation>发放活动券</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="71" />
        <source>points adjusted</source>
        <translation>调整积分</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="72" />
        <source>full phone number viewed</source>
        <translation>查看完整手机号</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="73" />
        <source>member deactivated</source>
        <translation>停用会员</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="74" />
        <source>member reactivated</source>
        <translation>恢复会员</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="75" />
        <source>members exported</source>
        <translation>导出会员</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="76" />
        <source>members imported</source>
        <translation>导入会员</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="77" />
        <source>settings changed</source>
        <translation>修改设置</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="78" />
        <source>SLA policy changed</source>
        <translation>修改时限规则</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="79" />
        <source>tiers changed</source>
        <translation>修改会员等级</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="80" />
        <source>backup folder changed</source>
        <translation>修改备份文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="81" />
        <source>restore scheduled</source>
        <translation>安排恢复</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="82" />
        <source>restore cancelled</source>
        <translation>取消恢复</translation>
    </message>
    <message>
        <location filename="../../ui/admin/page.py" line="83" />
        <source>backup restored</source>
        <translation>恢复备份</translation>
    </message>
</context>
<context>
    <name>card</name>
    <message>
        <location filename="../../ui/members/card.py" line="49" />
        <source>Recharge</source>
        <translation>充值</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="50" />
        <source>Payment</source>
        <translation>消费</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="51" />
        <source>Refund</source>
        <translation>退卡</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="52" />
        <source>Void</source>
        <translation>作废</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="53" />
        <source>Adjustment</source>
        <translation>调整</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="59" />
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="60" />
        <source>WeChat</source>
        <translation>微信</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="61" />
        <source>Alipay</source>
        <translation>支付宝</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="62" />
        <source>Bank card</source>
        <translation>银行卡</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="68" />
        <source>In proportion (paid and bonus)</source>
        <translation>按比例（实付与赠送）</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="69" />
        <source>Paid money first</source>
        <translation>先扣实付</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="70" />
        <source>Bonus first</source>
        <translation>先扣赠送</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="76" />
        <source>paid %1 + bonus %2</source>
        <translation>实付 %1 + 赠送 %2</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="85" />
        <source>No card yet</source>
        <translation>尚未开卡</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="87" />
        <source>Closed (refunded)</source>
        <translation>已退卡</translation>
    </message>
    <message>
        <location filename="../../ui/members/card.py" line="100" />
        <source>%1 — pay %2, get %3</source>
        <translation>%1 — 付 %2，得 %3</translation>
    </message>
</context>
<context>
    <name>complaints</name>
    <message>
        <location filename="../../ui/complaints/labels.py" line="10" />
        <source>Counter</source>
        <translation>前台</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="11" />
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="12" />
        <source>Online / WeChat</source>
        <translation>线上 / 微信</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="13" />
        <source>Review site</source>
        <translation>点评网站</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="19" />
        <source>Service</source>
        <translation>服务</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="20" />
        <source>Hygiene</source>
        <translation>卫生</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="21" />
        <source>Food / product</source>
        <translation>餐饮 / 商品</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="22" />
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="23" />
        <source>Facilities / equipment</source>
        <translation>设施 / 设备</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="24" />
        <source>Booking</source>
        <translation>预订</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="25" />
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="31" />
        <source>Normal</source>
        <translation>普通</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="32" />
        <source>Urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="38" />
        <source>New</source>
        <translation>新登记</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="39" />
        <location filename="../../ui/complaints/labels.py" line="69" />
        <source>Responded</source>
        <translation>已回应</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="40" />
        <source>Investigating</source>
        <translation>调查中</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="41" />
        <location filename="../../ui/complaints/labels.py" line="71" />
        <source>Answered</source>
        <translation>已答复</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="42" />
        <location filename="../../ui/complaints/labels.py" line="72" />
        <source>Closed</source>
        <translation>已结案</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="43" />
        <location filename="../../ui/complaints/labels.py" line="73" />
        <source>Reopened</source>
        <translation>重新打开</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="49" />
        <source>First response</source>
        <translation>首次回应</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="50" />
        <source>Solution</source>
        <translation>现场解决</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="51" />
        <source>Investigation</source>
        <translation>调查</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="52" />
        <source>Final answer</source>
        <translation>最终答复</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="58" />
        <source>duty manager</source>
        <translation>值班经理</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="68" />
        <source>Logged</source>
        <translation>已登记</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="70" />
        <source>Investigation started</source>
        <translation>开始调查</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="74" />
        <source>Escalated</source>
        <translation>已升级</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="75" />
        <source>Deadline missed</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="76" />
        <source>Deadline near (warned)</source>
        <translation>时限将到（已提醒）</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="77" />
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../ui/complaints/labels.py" line="78" />
        <source>Compensation coupon</source>
        <translation>补偿券</translation>
    </message>
</context>
<context>
    <name>coupons</name>
    <message>
        <location filename="../../ui/coupons/labels.py" line="13" />
        <source>Amount off</source>
        <translation>代金券（减金额）</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="14" />
        <source>Percent off</source>
        <translation>折扣券</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="15" />
        <source>Free item / service</source>
        <translation>赠送项目 / 服务</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="21" />
        <source>Valid</source>
        <translation>有效</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="22" />
        <source>Used</source>
        <translation>已使用</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="23" />
        <source>Voided</source>
        <translation>已作废</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="24" />
        <source>Expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="25" />
        <source>Not yet valid</source>
        <translation>未到使用日期</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="31" />
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="32" />
        <source>Win-back</source>
        <translation>唤回老客</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="33" />
        <source>Complaint compensation</source>
        <translation>投诉补偿</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="34" />
        <source>Festival</source>
        <translation>节日</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="35" />
        <source>Member day</source>
        <translation>会员日</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="36" />
        <source>Single coupon</source>
        <translation>单张券</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="42" />
        <source>A4 sheet (8 per page)</source>
        <translation>A4 纸（每页 8 张）</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="43" />
        <source>A6 card</source>
        <translation>A6 卡片</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="44" />
        <source>58 mm receipt</source>
        <translation>58 毫米小票</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="45" />
        <source>80 mm receipt</source>
        <translation>80 毫米小票</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="51" />
        <source>%1 off</source>
        <translation>减 %1</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="53" />
        <source>%1% off</source>
        <translation>%1% 优惠</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="54" />
        <source>Free: %1</source>
        <translation>赠送：%1</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="61" />
        <source>Issued %1 coupons.</source>
        <translation>已发放 %1 张券。</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="63" />
        <source>No coupons were issued.</source>
        <translation>没有发放任何券。</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="67" />
        <source>%1 members already hold this campaign's coupon.</source>
        <translation>%1 位会员已领过本活动的券。</translation>
    </message>
    <message>
        <location filename="../../ui/coupons/labels.py" line="73" />
        <source>%1 members are deactivated.</source>
        <translation>%1 位会员已停用。</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <location filename="../../ui/actions.py" line="151" />
        <source>Sorry, something went wrong. Nothing was saved. The details are in the log.</source>
        <translation>抱歉，程序出了点问题，本次操作没有保存。详细信息已写入日志。</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="192" />
        <source>Frontdesk</source>
        <translation>前台助手</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="16" />
        <source>That input is not valid.</source>
        <translation>输入的内容无效。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="17" />
        <source>Not found.</source>
        <translation>未找到。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="18" />
        <source>That clashes with what is already saved.</source>
        <translation>与已保存的数据冲突。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="19" />
        <source>Please fill in {field}.</source>
        <translation>请填写{field}。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="20" />
        <source>{field} contains invisible control characters; please retype it.</source>
        <translation>{field}含有不可见的控制字符，请重新输入。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="23" />
        <source>{field} is too long (at most {max} characters).</source>
        <translation>{field}太长了（最多 {max} 个字）。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="24" />
        <source>Please enter the guest's name.</source>
        <translation>请输入客人姓名。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="25" />
        <source>The period ends before it starts.</source>
        <translation>结束日期早于开始日期。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="26" />
        <source>Please choose a period of at most {years} years.</source>
        <translation>统计期间最长 {years} 年，请缩短。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="29" />
        <source>Unknown period “{value}”.</source>
        <translation>未知的期间“{value}”。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="30" />
        <source>A target is a percentage from {min} to {max}.</source>
        <translation>目标是 {min} 到 {max} 之间的百分比。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="31" />
        <source>There is no list behind “{value}”.</source>
        <translation>“{value}”没有明细列表。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="32" />
        <source>“{value}” is not a language the app speaks.</source>
        <translation>不支持“{value}”这种界面语言。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="33" />
        <source>{field} must be from {min} to {max}.</source>
        <translation>{field}必须在 {min} 到 {max} 之间。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="34" />
        <source>The logo must be a picture (PNG, JPEG or BMP).</source>
        <translation>标志必须是图片（PNG、JPEG 或 BMP）。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="35" />
        <source>The logo is too large (at most {max} KB); please choose a smaller picture.</source>
        <translation>标志图片太大（最多 {max} KB），请选择较小的图片。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="38" />
        <source>Opening hours must be times like 10:00 and 02:00 (closing after midnight).</source>
        <translation>营业时间请填写如 10:00 和 02:00（次日凌晨打烊）这样的时间，且至少营业 1 小时。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="41" />
        <source>Please enter a phone number.</source>
        <translation>请输入手机号。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="42" />
        <source>“{value}” is not a valid phone number. Check the digits (11 for a mobile).</source>
        <translation>“{value}”不是有效的电话号码，请检查位数（手机号为 11 位）。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="45" />
        <source>This phone number already belongs to member {member_no} ({name}).</source>
        <translation>这个手机号已属于会员 {member_no}（{name}）。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="48" />
        <source>A card number is 4 to 32 letters, digits or dashes.</source>
        <translation>卡号应为 4 到 32 位字母、数字或短横线。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="51" />
        <source>This card number is already used by member {member_no}.</source>
        <translation>这个卡号已被会员 {member_no} 使用。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="54" />
        <source>Gender must be female, male or left empty.</source>
        <translation>性别只能是女、男或不填。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="55" />
        <source>The birthday cannot be in the future.</source>
        <translation>生日不能晚于今天。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="56" />
        <source>Please check the birthday's year.</source>
        <translation>请检查生日的年份。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="57" />
        <source>“{value}” is not a date; write it like 1990-05-21.</source>
        <translation>“{value}”不是日期，请按 1990-05-21 的格式填写。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="60" />
        <source>“{value}” is not a date; write it like 2027-01-01.</source>
        <translation>“{value}”不是日期，请按 2027-01-01 的格式填写。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="63" />
        <source>At most {max} tags per member.</source>
        <translation>每位会员最多 {max} 个标签。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="64" />
        <source>That member no longer exists.</source>
        <translation>该会员已不存在。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="65" />
        <source>Member {member_no} is deactivated; reactivate them first.</source>
        <translation>会员 {member_no} 已停用，请先重新启用。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="68" />
        <source>Another counter saved at the same moment; please try again.</source>
        <translation>另一台收银机同时保存了数据，请再试一次。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="71" />
        <source>“{value}” is not an amount; write it like 128 or 128.50.</source>
        <translation>“{value}”不是金额，请按 128 或 128.50 的格式填写。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="74" />
        <source>An amount cannot be negative.</source>
        <translation>金额不能为负数。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="75" />
        <source>Please enter the amount.</source>
        <translation>请填写金额。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="76" />
        <source>An adjustment of 0 points changes nothing; enter how many to add or take.</source>
        <translation>调整 0 积分不会有任何变化；请输入要增加或扣减的积分数。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="79" />
        <source>That amount is too large; please check it.</source>
        <translation>金额过大，请核对。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="80" />
        <source>A visit cannot be in the future.</source>
        <translation>消费时间不能晚于现在。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="81" />
        <source>The visit time is not valid.</source>
        <translation>消费时间无效。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="82" />
        <source>The file is neither UTF-8 nor GBK text.</source>
        <translation>文件编码既不是 UTF-8 也不是 GBK。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="83" />
        <source>The file is empty.</source>
        <translation>文件是空的。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="84" />
        <source>The file has no column for: {columns}.</source>
        <translation>文件缺少这些列：{columns}。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="85" />
        <source>Please choose how the complaint came in.</source>
        <translation>请选择投诉渠道。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="86" />
        <source>Please choose a category.</source>
        <translation>请选择类别。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="87" />
        <source>Severity must be normal or urgent.</source>
        <translation>紧急程度只能是普通或紧急。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="88" />
        <source>Please give the guest's name or phone. For a member, log it from their profile (Ctrl+L).</source>
        <translation>请填写客人姓名或电话。会员的投诉请在其资料页登记（Ctrl+L）。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="92" />
        <source>That complaint no longer exists.</source>
        <translation>该投诉已不存在。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="93" />
        <source>{ref} is “{status}”; it cannot go to “{to}” from there.</source>
        <translation>投诉 {ref} 当前为“{status}”，不能转为“{to}”。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="96" />
        <source>{ref} is closed; reopen it first.</source>
        <translation>投诉 {ref} 已结案，请先重新打开。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="97" />
        <source>The guest's satisfaction is a score from 1 to 5.</source>
        <translation>客人满意度为 1 到 5 分。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="100" />
        <source>{field} must be between {min} and {max}.</source>
        <translation>{field}必须在 {min} 到 {max} 之间。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="101" />
        <source>Rest days must be weekdays, and at least one day must be a working day.</source>
        <translation>休息日须为星期几，且至少保留一个工作日。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="104" />
        <source>“{value}” is not a known time zone.</source>
        <translation>“{value}”不是有效的时区。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="105" />
        <source>“{value}” is not a coupon code. A code has 12 letters and digits, like ABCD-EFGH-JKMN.</source>
        <translation>“{value}”不是优惠券码。券码为 12 位字母和数字，如 ABCD-EFGH-JKMN。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="109" />
        <source>Coupon code “{value}” has a typo (the check character does not match). Please scan again or check each character.</source>
        <translation>优惠券码“{value}”有输入错误（校验位不符）。请重新扫描或逐位核对。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="114" />
        <source>“{value}” was not issued by this store. Do not accept it.</source>
        <translation>“{value}”不是本店发放的券，请勿接受。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="117" />
        <source>{value} looks right but is not in this store's records. Do not accept it.</source>
        <translation>{value} 格式正确，但本店没有这张券的记录，请勿接受。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="120" />
        <source>Coupon {code} has already been used.</source>
        <translation>优惠券 {code} 已经使用过了。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="121" />
        <source>Coupon {code} was voided by a manager.</source>
        <translation>优惠券 {code} 已被经理作废。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="122" />
        <source>Coupon {code} expired on {date}.</source>
        <translation>优惠券 {code} 已于 {date} 过期。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="123" />
        <source>Coupon {code} can be used from {date}.</source>
        <translation>优惠券 {code} 从 {date} 起才能使用。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="124" />
        <source>This coupon needs a bill of at least {min_cents}.</source>
        <translation>此券需消费满 {min_cents} 才能使用。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="127" />
        <source>Please choose what the coupon gives.</source>
        <translation>请选择优惠方式。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="128" />
        <source>The amount off must be more than zero.</source>
        <translation>减免金额必须大于零。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="129" />
        <source>A percentage off is 1 to 90.</source>
        <translation>折扣须在 1% 到 90% 之间。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="130" />
        <source>A coupon is valid for 1 to 3660 days.</source>
        <translation>有效期须为 1 到 3660 天。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="131" />
        <source>Could not make a new code; try again.</source>
        <translation>无法生成新券码，请重试。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="132" />
        <source>That coupon no longer exists.</source>
        <translation>该优惠券已不存在。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="133" />
        <source>Please choose the kind of campaign.</source>
        <translation>请选择活动类型。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="134" />
        <source>The campaign limit must be at least 1.</source>
        <translation>活动发放上限至少为 1。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="135" />
        <source>Coupons per member: 1 to 100.</source>
        <translation>每位会员 1 到 100 张。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="136" />
        <source>The birthday window must start before it ends and span at most a year.</source>
        <translation>生日范围的开始须早于结束，且不超过一年。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="139" />
        <source>The number of days must be 1 to 3650.</source>
        <translation>天数须为 1 到 3650。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="140" />
        <source>That campaign no longer exists.</source>
        <translation>该活动已不存在。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="141" />
        <source>The campaign allows {max} coupons; only {left} can still be issued.</source>
        <translation>该活动最多发放 {max} 张，只能再发 {left} 张。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="144" />
        <source>Unknown print layout.</source>
        <translation>未知的打印格式。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="145" />
        <source>There are no coupons to print.</source>
        <translation>没有可打印的优惠券。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="146" />
        <source>{field} must come before its deadline: less than {limit} minutes.</source>
        <translation>{field}须早于时限：少于 {limit} 分钟。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="149" />
        <source>Not enough points: {need} needed, {have} available.</source>
        <translation>积分不足：需要 {need}，现有 {have}。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="152" />
        <source>Points turn into a coupon in hundreds (100 points = ¥1).</source>
        <translation>积分按百兑换优惠券（100 积分 = ¥1）。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="155" />
        <source>Please enter a whole number of points.</source>
        <translation>请输入整数积分。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="156" />
        <source>The lowest tier must ask for nothing, so every member has a tier.</source>
        <translation>最低等级不能设门槛，这样每位会员都有等级。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="159" />
        <source>Tier {tier} must ask at least as much as the tiers below it.</source>
        <translation>{tier} 等级的门槛不能低于下面的等级。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="162" />
        <source>Tier {tier}: discount 0-50% and 0-1000 points per ¥100.</source>
        <translation>{tier} 等级：折扣 0-50%，每 ¥100 积 0-1000 分。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="165" />
        <source>The call time is not valid.</source>
        <translation>回访时间无效。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="166" />
        <source>That follow-up no longer exists.</source>
        <translation>该回访已不存在。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="167" />
        <source>That call is already done.</source>
        <translation>该回访已完成。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="168" />
        <source>The score is 1 to 5.</source>
        <translation>评分为 1 到 5 分。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="169" />
        <source>Frontdesk is already running on this computer with the data in {folder}. Switch to that window instead.</source>
        <translation>前台助手已经在这台电脑上打开了（数据目录 {folder}），请切换到那个窗口。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="174" />
        <source>Keep at least one backup.</source>
        <translation>至少保留一份备份。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="175" />
        <source>Cannot write backups to {folder}: {reason}</source>
        <translation>无法把备份写入 {folder}：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="176" />
        <source>The backup copy failed its check ({problems}); the old backups are kept.</source>
        <translation>备份副本未通过校验（{problems}），已保留原有备份。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="179" />
        <source>That backup is damaged ({problems}); it was not restored.</source>
        <translation>该备份已损坏（{problems}），未执行恢复。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="182" />
        <source>The store's database server cannot be reached; nothing was saved. What you typed is kept: try again in a moment.</source>
        <translation>连接不上门店的数据库服务器，本次没有保存。已输入的内容仍保留，请稍后再试。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="187" />
        <source>The connection to the server broke while saving, so it is not known whether it was saved. Press Save again when the server is back: it is never saved twice.</source>
        <translation>保存时与服务器的连接中断，无法确定是否已保存。请在服务器恢复后再按一次保存：同一笔不会重复保存。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="192" />
        <source>Please enter the server as postgresql://user:password@host/database (for example postgresql://frontdesk:secret@192.168.1.10/frontdesk).</source>
        <translation>请按 postgresql://用户名:密码@主机/数据库 的格式填写服务器（例如 postgresql://frontdesk:secret@192.168.1.10/frontdesk）。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="197" />
        <source>Could not connect to the server: {reason}</source>
        <translation>无法连接到服务器：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="198" />
        <source>The server's database already holds a store ({detail}); nothing was copied.</source>
        <translation>服务器的数据库中已有门店数据（{detail}），没有复制任何内容。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="201" />
        <source>The copy on the server does not match the file ({detail}).</source>
        <translation>服务器上的副本与数据文件不一致（{detail}）。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="204" />
        <source>The restore waits: {count} other connection(s) to the store's server are open. Close Frontdesk on the other counters, then start it here again.</source>
        <translation>恢复暂缓：门店服务器上还有 {count} 个其他连接。请先关闭其他前台的 Frontdesk，再在本机重新启动。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="209" />
        <source>That save could not be recognised; please retry.</source>
        <translation>无法识别这次保存，请重试。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="210" />
        <source>Your role ({role}) may not do this; please ask a manager.</source>
        <translation>您的角色（{role}）无权进行此操作，请联系经理。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="213" />
        <source>There is no such care list.</source>
        <translation>没有这个关怀名单。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="214" />
        <source>Choose print, open or save for new coupons.</source>
        <translation>请为新券选择：打印、打开或仅保存。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="217" />
        <source>Nobody is signed in at this counter. Please sign in first.</source>
        <translation>本收银台当前无人登录，请先登录。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="220" />
        <source>A coupon worth more than {limit} needs a manager; please ask one, or give less.</source>
        <translation>超过 {limit} 的优惠券需要经理发放；请找经理，或改小金额。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="224" />
        <source>Tier {tier} must give at least the discount and points of tier {lower} below it.</source>
        <translation>等级 {tier} 的折扣和积分不能低于下一级 {lower}。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="228" />
        <source>{day} is both a holiday and a make-up working day; please keep it in one list.</source>
        <translation>{day} 同时是节假日和调休工作日，请只保留在一个列表中。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="232" />
        <source>Wrong user name or password.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="233" />
        <source>Too many wrong passwords: this account is locked for {minutes} minutes.</source>
        <translation>密码错误次数过多，账号已锁定 {minutes} 分钟。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="236" />
        <source>A user name is 2 to 32 small letters, digits, dots or dashes.</source>
        <translation>用户名为 2 到 32 位小写字母、数字、点或短横线。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="239" />
        <source>Please choose a role.</source>
        <translation>请选择角色。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="240" />
        <source>A password has at least 6 characters.</source>
        <translation>密码至少 6 位。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="241" />
        <source>The first account is the owner's.</source>
        <translation>第一个账号必须是店主。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="242" />
        <source>The user name {username} is taken.</source>
        <translation>用户名 {username} 已被使用。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="243" />
        <source>That staff account does not exist.</source>
        <translation>该员工账号不存在。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="244" />
        <source>You cannot disable your own account while you are signed in with it.</source>
        <translation>不能停用您当前登录的账号。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="247" />
        <source>This is the last owner's account; add another owner before disabling it.</source>
        <translation>这是最后一个店主账号；请先添加另一个店主再停用。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="250" />
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="251" />
        <source>This row has more cells than the header.</source>
        <translation>这一行的列数比表头多。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="252" />
        <source>Choose how a card payment is split: in proportion, paid money first or bonus first.</source>
        <translation>请选择储值卡消费的扣款方式：按比例、先扣实付或先扣赠送。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="256" />
        <source>A recharge is more than ¥0 and at most {max_cents}.</source>
        <translation>充值金额须大于 ¥0，且不超过 {max_cents}。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="259" />
        <source>The bonus cannot be more than the amount paid.</source>
        <translation>赠送金额不能超过实付金额。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="262" />
        <source>There is no tier “{value}”.</source>
        <translation>没有等级“{value}”。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="263" />
        <source>That recharge offer no longer exists.</source>
        <translation>该充值活动已不存在。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="264" />
        <source>The offer “{name}” is not on sale today.</source>
        <translation>充值活动“{name}”今天不在售。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="267" />
        <source>Choose how the guest paid: cash, WeChat, Alipay or bank card.</source>
        <translation>请选择付款方式：现金、微信、支付宝或银行卡。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="270" />
        <source>That is not a valid ID number (18 characters; check the last one).</source>
        <translation>身份证号无效（18 位，请检查最后一位）。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="273" />
        <source>Please enter the buyer's name with the ID number.</source>
        <translation>登记身份证号时请同时填写购卡人姓名。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="276" />
        <source>After this recharge the card would hold {after_cents}, more than the {limit_cents} a named card may hold (MOFCOM rules).</source>
        <translation>充值后卡内余额为 {after_cents}，超过记名卡上限 {limit_cents}（商务部规定）。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="281" />
        <source>The buyer's name and ID number should be recorded (MOFCOM rules).</source>
        <translation>应登记购卡人姓名和身份证号（商务部规定）。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="284" />
        <source>This member has no open stored-value card; recharge first.</source>
        <translation>该会员没有有效的储值卡，请先充值。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="287" />
        <source>Not enough balance: {need_cents} needed, {have_cents} on the card.</source>
        <translation>余额不足：需要 {need_cents}，卡内仅有 {have_cents}。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="290" />
        <source>Please enter an amount other than zero.</source>
        <translation>请输入不为零的金额。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="291" />
        <source>The card can pay at most what is due: {due_cents}.</source>
        <translation>储值卡最多支付应付金额：{due_cents}。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="294" />
        <source>Only a recharge or a payment on an open card can be voided.</source>
        <translation>只能作废有效储值卡上的充值或消费。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="297" />
        <source>That entry was voided already.</source>
        <translation>该流水已作废。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="298" />
        <source>No ID number was recorded with this recharge.</source>
        <translation>这笔充值没有登记身份证号。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="301" />
        <source>That card entry does not exist.</source>
        <translation>该储值卡流水不存在。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="302" />
        <source>ID numbers were sealed with a key that is not on this PC ({file} in the data folder).</source>
        <translation>身份证号是用另一台电脑上的密钥加密的，本机没有该密钥（数据文件夹中的 {file}）。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="306" />
        <source>This ID number cannot be read back.</source>
        <translation>无法读取该身份证号。</translation>
    </message>
    <message>
        <location filename="../../app/core/messages.py" line="307" />
        <source>This store has no data folder to keep the ID-number key in.</source>
        <translation>本店没有可保存身份证号密钥的数据文件夹。</translation>
    </message>
</context>
<context>
    <name>fields</name>
    <message>
        <location filename="../../ui/actions.py" line="46" />
        <source>name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="47" />
        <source>phone</source>
        <translation>手机号</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="48" />
        <source>card no.</source>
        <translation>卡号</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="49" />
        <source>birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="50" />
        <source>preferences</source>
        <translation>偏好</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="51" />
        <source>allergies</source>
        <translation>过敏</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="52" />
        <source>notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="53" />
        <source>tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="54" />
        <source>items</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="55" />
        <source>amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="56" />
        <source>staff</source>
        <translation>经手人</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="57" />
        <source>description</source>
        <translation>投诉内容</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="58" />
        <source>note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="59" />
        <source>root cause</source>
        <translation>根本原因</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="60" />
        <source>remedy</source>
        <translation>补救措施</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="61" />
        <source>guest name</source>
        <translation>客人姓名</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="62" />
        <source>holidays</source>
        <translation>节假日</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="63" />
        <source>make-up working days</source>
        <translation>调休上班日</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="64" />
        <source>manager</source>
        <translation>经理</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="65" />
        <source>purpose</source>
        <translation>回访目的</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="66" />
        <source>outcome</source>
        <translation>回访结果</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="67" />
        <source>reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="68" />
        <source>amount paid</source>
        <translation>实付金额</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="69" />
        <source>bonus</source>
        <translation>赠送</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="70" />
        <source>paid balance</source>
        <translation>实付余额</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="71" />
        <source>from card</source>
        <translation>储值卡支付</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="72" />
        <source>buyer's name</source>
        <translation>购卡人姓名</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="73" />
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="74" />
        <source>payment method</source>
        <translation>付款方式</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="75" />
        <source>tier upgrade</source>
        <translation>升级等级</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="76" />
        <source>comment</source>
        <translation>意见</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="77" />
        <source>idle lock minutes</source>
        <translation>自动锁屏分钟数</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="78" />
        <source>backups to keep</source>
        <translation>保留备份份数</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="79" />
        <source>coupon printer</source>
        <translation>优惠券打印机</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="80" />
        <source>report printer</source>
        <translation>报表打印机</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="81" />
        <source>satisfaction target</source>
        <translation>满意度目标</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="82" />
        <source>on-time target</source>
        <translation>时效目标</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="83" />
        <source>retention target</source>
        <translation>回访率目标</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="84" />
        <source>redemption target</source>
        <translation>核销率目标</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="85" />
        <source>the warning before the first response</source>
        <translation>首次回应前的提醒</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="88" />
        <source>the warning before the investigation</source>
        <translation>调查时限前的提醒</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="91" />
        <source>the warning before the final answer</source>
        <translation>最终答复前的提醒</translation>
    </message>
</context>
<context>
    <name>files</name>
    <message>
        <location filename="../../ui/files.py" line="17" />
        <source>Look in:</source>
        <translation>位置：</translation>
    </message>
    <message>
        <location filename="../../ui/files.py" line="18" />
        <source>File name:</source>
        <translation>文件名：</translation>
    </message>
    <message>
        <location filename="../../ui/files.py" line="19" />
        <source>Files of type:</source>
        <translation>文件类型：</translation>
    </message>
    <message>
        <location filename="../../ui/files.py" line="20" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/files.py" line="34" />
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../ui/files.py" line="43" />
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../ui/files.py" line="54" />
        <source>Choose</source>
        <translation>选择</translation>
    </message>
</context>
<context>
    <name>profile</name>
    <message>
        <location filename="../../ui/members/profile.py" line="67" />
        <source>Up on a visit: %1 and %2 visits in 12 months</source>
        <translation>到店升级：近 12 个月消费 %1，到店 %2 次</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="70" />
        <source>Up at the review: %1 and %2 visits in 12 months</source>
        <translation>复核升级：近 12 个月消费 %1，到店 %2 次</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="73" />
        <source>Down at the review: %1 and %2 visits in 12 months</source>
        <translation>复核降级：近 12 个月消费 %1，到店 %2 次</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="76" />
        <source>Down: %1 and %2 visits in 12 months</source>
        <translation>降级：近 12 个月消费 %1，到店 %2 次</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="90" />
        <source>earned %1</source>
        <translation>%1 获得</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="95" />
        <source>coupon %1</source>
        <translation>优惠券 %1</translation>
    </message>
</context>
<context>
    <name>roles</name>
    <message>
        <location filename="../../ui/actions.py" line="100" />
        <source>receptionist</source>
        <translation>前台</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="101" />
        <source>manager</source>
        <translation>经理</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="102" />
        <source>owner</source>
        <translation>店主</translation>
    </message>
</context>
<context>
    <name>startup</name>
    <message>
        <location filename="../../ui/main.py" line="141" />
        <source>Upgrading the database to this version; please do not switch off…</source>
        <translation>正在把数据库升级到新版本，请勿关机…</translation>
    </message>
    <message>
        <location filename="../../ui/main.py" line="298" />
        <source>The store's database server (%1) does not answer. Is the back-office PC on and connected? Retry when it is.</source>
        <translation>门店的数据库服务器（%1）没有响应。请检查后台电脑是否已开机并连上网络，然后点“重试”。</translation>
    </message>
    <message>
        <location filename="../../ui/main.py" line="318" />
        <source>The database in %1 is damaged (%2). This can happen after a power cut while the disk was writing.</source>
        <translation>%1 中的数据库已损坏（%2）。这可能是断电时磁盘正在写入造成的。</translation>
    </message>
    <message>
        <location filename="../../ui/main.py" line="333" />
        <source>No good backup was found. Please call for support; the file has not been changed.</source>
        <translation>没有找到完好的备份。请联系技术支持；数据库文件未做任何改动。</translation>
    </message>
    <message>
        <location filename="../../ui/main.py" line="343" />
        <source>Restore the newest good backup, taken %1? The damaged file is kept beside it.</source>
        <translation>是否恢复 %1 的最新完好备份？损坏的文件会另外保留。</translation>
    </message>
</context>
</TS>