<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="26" />
        <source>Frontdesk</source>
        <translation>前台助手</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="36" />
        <source>Members  F1</source>
        <translation>会员  F1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="48" />
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
</context>
<context>
    <name>MemberDesk</name>
    <message>
        <location filename="../../ui/members/desk.py" line="49" />
        <source>Phone, last 4 digits, name, pinyin (zs = 张三), card or member no.</source>
        <translation>手机号、尾号 4 位、姓名、拼音（zs = 张三）、卡号或会员号</translation>
    </message>
    <message>
        <location filename="../../ui/members/desk.py" line="53" />
        <source>New member (Ctrl+N)</source>
        <translation>新建会员 (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../ui/members/desk.py" line="136" />
        <source>Type or scan to find a member. Enter opens, Esc clears.</source>
        <translation>输入或扫码查找会员。回车打开，Esc 清空。</translation>
    </message>
    <message>
        <location filename="../../ui/members/desk.py" line="138" />
        <source>No member found. Ctrl+N adds a new one.</source>
        <translation>没有找到会员。按 Ctrl+N 新建。</translation>
    </message>
    <message>
        <location filename="../../ui/members/desk.py" line="141" />
        <source>Showing the first %1 matches — type more to narrow down.</source>
        <translation>显示前 %1 条结果，继续输入可缩小范围。</translation>
    </message>
    <message>
        <location filename="../../ui/members/desk.py" line="146" />
        <source>%1 found.</source>
        <translation>找到 %1 位会员。</translation>
    </message>
</context>
<context>
    <name>MemberDialog</name>
    <message>
        <location filename="../../ui/members/dialogs.py" line="72" />
        <source>Edit member</source>
        <translation>编辑会员</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="72" />
        <source>New member</source>
        <translation>新建会员</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="76" />
        <source>11-digit mobile, e.g. 13800138000</source>
        <translation>11 位手机号，如 13800138000</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="79" />
        <source>Not given</source>
        <translation>未填写</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="80" />
        <source>Female</source>
        <translation>女</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="81" />
        <source>Male</source>
        <translation>男</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="85" />
        <source>e.g. 1990-05-21</source>
        <translation>如 1990-05-21</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="87" />
        <source>scan the card, or leave empty</source>
        <translation>刷卡录入，或留空</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="89" />
        <source>separate with commas</source>
        <translation>用逗号分隔</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="98" />
        <source>Name *</source>
        <translation>姓名 *</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="99" />
        <source>Phone *</source>
        <translation>手机 *</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="100" />
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="101" />
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="102" />
        <source>Card no.</source>
        <translation>卡号</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="103" />
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="104" />
        <source>Preferences</source>
        <translation>偏好</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="105" />
        <source>Allergies</source>
        <translation>过敏</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="106" />
        <source>Notes</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>MemberProfileView</name>
    <message>
        <location filename="../../ui/members/profile.py" line="47" />
        <source>← Back (Esc)</source>
        <translation>← 返回 (Esc)</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="49" />
        <source>Record visit (F5)</source>
        <translation>登记消费 (F5)</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="51" />
        <source>Edit (F2)</source>
        <translation>编辑 (F2)</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="70" />
        <source>Details</source>
        <translation>基本信息</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="73" />
        <source>Phone</source>
        <translation>手机</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="74" />
        <source>Card no.</source>
        <translation>卡号</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="75" />
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="76" />
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="77" />
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="78" />
        <source>Member since</source>
        <translation>入会时间</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="85" />
        <source>Preferences and care</source>
        <translation>偏好与关怀</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="88" />
        <source>Allergies</source>
        <translation>过敏</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="89" />
        <source>Preferences</source>
        <translation>偏好</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="90" />
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="97" />
        <source>Spending</source>
        <translation>消费</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="100" />
        <source>Visits</source>
        <translation>到店次数</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="101" />
        <source>Total spend</source>
        <translation>累计消费</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="102" />
        <source>Average per visit</source>
        <translation>客单价</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="103" />
        <source>Last visit</source>
        <translation>最近到店</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="133" />
        <source>Visit history</source>
        <translation>消费记录</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="148" />
        <source>Member no. %1</source>
        <translation>会员号 %1</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="149" />
        <source>Deactivated</source>
        <translation>已停用</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="151" />
        <source>Deactivate</source>
        <translation>停用</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="151" />
        <source>Reactivate</source>
        <translation>重新启用</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="153" />
        <source>Female</source>
        <translation>女</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="153" />
        <source>Male</source>
        <translation>男</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="153" />
        <source>Not given</source>
        <translation>未填写</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="162" />
        <source>None recorded</source>
        <translation>无记录</translation>
    </message>
    <message>
        <location filename="../../ui/members/profile.py" line="168" />
        <source>never</source>
        <translation>从未到店</translation>
    </message>
</context>
<context>
    <name>MemberTableModel</name>
    <message>
        <location filename="../../ui/members/models.py" line="28" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/members/models.py" line="29" />
        <source>Phone</source>
        <translation>手机</translation>
    </message>
    <message>
        <location filename="../../ui/members/models.py" line="30" />
        <source>Member no.</source>
        <translation>会员号</translation>
    </message>
    <message>
        <location filename="../../ui/members/models.py" line="31" />
        <source>Card no.</source>
        <translation>卡号</translation>
    </message>
    <message>
        <location filename="../../ui/members/models.py" line="32" />
        <source>Visits</source>
        <translation>到店次数</translation>
    </message>
    <message>
        <location filename="../../ui/members/models.py" line="33" />
        <source>Total spend</source>
        <translation>累计消费</translation>
    </message>
    <message>
        <location filename="../../ui/members/models.py" line="34" />
        <source>Last visit</source>
        <translation>最近到店</translation>
    </message>
    <message>
        <location filename="../../ui/members/models.py" line="35" />
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <location filename="../../ui/members/models.py" line="66" />
        <source>%1 (deactivated)</source>
        <translation>%1（已停用）</translation>
    </message>
</context>
<context>
    <name>VisitDialog</name>
    <message>
        <location filename="../../ui/members/dialogs.py" line="167" />
        <source>Record visit — %1</source>
        <translation>登记消费 — %1</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="170" />
        <source>amount in yuan, e.g. 128.50</source>
        <translation>金额（元），如 128.50</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="172" />
        <source>what was served, e.g. 搓澡、足疗</source>
        <translation>消费项目，如 搓澡、足疗</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="175" />
        <source>Amount (¥) *</source>
        <translation>金额（¥） *</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="176" />
        <source>Items</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="177" />
        <source>Staff</source>
        <translation>经手人</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="182" />
        <source>Allergies: %1</source>
        <translation>过敏：%1</translation>
    </message>
</context>
<context>
    <name>VisitTableModel</name>
    <message>
        <location filename="../../ui/members/models.py" line="129" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/members/models.py" line="129" />
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../ui/members/models.py" line="129" />
        <source>Items</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../ui/members/models.py" line="129" />
        <source>Staff</source>
        <translation>经手人</translation>
    </message>
</context>
<context>
    <name>_Form</name>
    <message>
        <location filename="../../ui/members/dialogs.py" line="40" />
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../ui/members/dialogs.py" line="41" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <location filename="../../ui/actions.py" line="64" />
        <source>Sorry, something went wrong. Nothing was saved. The details are in the log.</source>
        <translation>抱歉，程序出了点问题，本次操作没有保存。详细信息已写入日志。</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="75" />
        <source>Frontdesk</source>
        <translation>前台助手</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="14" />
        <source>That input is not valid.</source>
        <translation>输入的内容无效。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="15" />
        <source>Not found.</source>
        <translation>未找到。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="16" />
        <source>That clashes with what is already saved.</source>
        <translation>与已保存的数据冲突。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="17" />
        <source>Please fill in {field}.</source>
        <translation>请填写{field}。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="18" />
        <source>{field} contains invisible control characters; please retype it.</source>
        <translation>{field}含有不可见的控制字符，请重新输入。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="21" />
        <source>{field} is too long (at most {max} characters).</source>
        <translation>{field}太长了（最多 {max} 个字）。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="22" />
        <source>Please enter the guest's name.</source>
        <translation>请输入客人姓名。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="23" />
        <source>Please enter a phone number.</source>
        <translation>请输入手机号。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="24" />
        <source>“{value}” is not a valid phone number. Check the digits (11 for a mobile).</source>
        <translation>“{value}”不是有效的电话号码，请检查位数（手机号为 11 位）。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="27" />
        <source>This phone number already belongs to member {member_no} ({name}).</source>
        <translation>这个手机号已属于会员 {member_no}（{name}）。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="30" />
        <source>A card number is 4 to 32 letters, digits or dashes.</source>
        <translation>卡号应为 4 到 32 位字母、数字或短横线。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="33" />
        <source>This card number is already used by member {member_no}.</source>
        <translation>这个卡号已被会员 {member_no} 使用。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="36" />
        <source>Gender must be female, male or left empty.</source>
        <translation>性别只能是女、男或不填。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="37" />
        <source>The birthday cannot be in the future.</source>
        <translation>生日不能晚于今天。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="38" />
        <source>Please check the birthday's year.</source>
        <translation>请检查生日的年份。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="39" />
        <source>“{value}” is not a date; write it like 1990-05-21.</source>
        <translation>“{value}”不是日期，请按 1990-05-21 的格式填写。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="42" />
        <source>At most {max} tags per member.</source>
        <translation>每位会员最多 {max} 个标签。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="43" />
        <source>That member no longer exists.</source>
        <translation>该会员已不存在。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="44" />
        <source>Member {member_no} is deactivated; reactivate them first.</source>
        <translation>会员 {member_no} 已停用，请先重新启用。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="47" />
        <source>Another counter saved at the same moment; please try again.</source>
        <translation>另一台收银机同时保存了数据，请再试一次。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="50" />
        <source>“{value}” is not an amount; write it like 128 or 128.50.</source>
        <translation>“{value}”不是金额，请按 128 或 128.50 的格式填写。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="53" />
        <source>An amount cannot be negative.</source>
        <translation>金额不能为负数。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="54" />
        <source>That amount is too large; please check it.</source>
        <translation>金额过大，请核对。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="55" />
        <source>A visit cannot be in the future.</source>
        <translation>消费时间不能晚于现在。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="56" />
        <source>The visit time is not valid.</source>
        <translation>消费时间无效。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="57" />
        <source>The file is neither UTF-8 nor GBK text.</source>
        <translation>文件编码既不是 UTF-8 也不是 GBK。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="58" />
        <source>The file is empty.</source>
        <translation>文件是空的。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="59" />
        <source>The file has no column for: {columns}.</source>
        <translation>文件缺少这些列：{columns}。</translation>
    </message>
    <message>
        <location filename="../../app/messages.py" line="60" />
        <source>This row has more cells than the header.</source>
        <translation>这一行的列数比表头多。</translation>
    </message>
</context>
<context>
    <name>fields</name>
    <message>
        <location filename="../../ui/actions.py" line="25" />
        <source>name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="26" />
        <source>phone</source>
        <translation>手机号</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="27" />
        <source>card no.</source>
        <translation>卡号</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="28" />
        <source>birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="29" />
        <source>preferences</source>
        <translation>偏好</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="30" />
        <source>allergies</source>
        <translation>过敏</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="31" />
        <source>notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="32" />
        <source>tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="33" />
        <source>items</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="34" />
        <source>amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="35" />
        <source>staff</source>
        <translation>经手人</translation>
    </message>
</context>
</TS>